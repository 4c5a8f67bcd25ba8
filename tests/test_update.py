"""`djstarter update` and changing answers on update: clear errors, options added and removed."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from djstarter.cli import main
from djstarter.errors import EXIT_USAGE
from djstarter.generate import generate

from .generated import project_env, run

COPIER = str(Path(sys.executable).parent / "copier")


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def project(tmp_path: Path, answers: dict[str, Any]) -> Path:
    return generate(answers, tmp_path / "project")


def test_noop_update_says_so_without_running_copier(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import copier

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("copier.run_update ran for a no-op update")

    monkeypatch.setattr(copier, "run_update", fail)
    for data in ([], ["--data", f"use_drf={str(project_answers(project)['use_drf']).lower()}"]):
        assert main(["update", str(project), *data]) == 0
        assert "nothing to update" in capsys.readouterr().out
    assert git(project, "status", "--porcelain") == ""


def project_answers(project: Path) -> dict[str, Any]:
    import yaml

    return dict(yaml.safe_load((project / ".copier-answers.yml").read_text()))


def test_not_a_git_repository(
    tmp_path: Path, answers: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    project = generate(answers, tmp_path / "nogit", git=False)
    assert main(["update", str(project)]) == EXIT_USAGE
    assert "is not a git repository" in capsys.readouterr().err


def test_dirty_work_tree(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "notes.txt").write_text("untracked")
    assert main(["update", str(project)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "uncommitted changes (notes.txt)" in err and "git stash" in err


def test_missing_answers_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(project, "rm", "-q", ".copier-answers.yml")
    git(project, "commit", "-qm", "oops")
    assert main(["update", str(project)]) == EXIT_USAGE
    assert "has no .copier-answers.yml" in capsys.readouterr().err


def test_answers_file_edited_into_an_invalid_state(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / ".copier-answers.yml"
    path.write_text(
        path.read_text().replace("database: sqlite", "database: oracle").replace("ci: github", "ci: 3")
    )
    git(project, "commit", "-qam", "edit answers")
    assert main(["update", str(project)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "database: 'oracle' is not one of sqlite, postgresql" in err
    assert "ci: expected text" in err and "git checkout -- .copier-answers.yml" in err


def test_version_missing_from_the_store(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / ".copier-answers.yml"
    text = path.read_text()
    recorded = yaml.safe_load(text)["_commit"]
    path.write_text(text.replace(f"_commit: {recorded}", "_commit: v9.9.9"))
    git(project, "commit", "-qam", "from another machine")
    assert main(["update", str(project)]) == 1
    err = capsys.readouterr().err
    assert "v9.9.9" in err and "pip install 'djstarter==9.9.9' && djstarter list" in err
    assert "no-op" not in err  # running the old djstarter's update would not be one: the store has newer


def test_checkout_build_missing_from_the_store_says_how_to_bring_it_back(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / ".copier-answers.yml"
    text = path.read_text()
    recorded = yaml.safe_load(text)["_commit"]
    path.write_text(text.replace(f"_commit: {recorded}", "_commit: v0.1.5.post3+g0123abc"))
    git(project, "commit", "-qam", "from a checkout elsewhere")
    assert main(["update", str(project)]) == 1
    err = capsys.readouterr().err
    assert (
        "a build of a djstarter checkout" in err and "pip install 'git+" in err and "djstarter==" not in err
    )
    assert "Nothing was changed" in err


def test_a_rebuilt_store_gets_the_earlier_releases_back(tmp_path: Path) -> None:
    """0.1.0's templates (commit 4389b33) come back into an empty store, and an old checkout's
    ``v0.1.0+dev.<n>.<fingerprint>`` tag finds them by their fingerprint."""
    from djstarter import _version, store, templates

    repo = store.store_dir()
    assert store.restore(repo, "v0.1.0")
    archive = subprocess.run(
        ["git", "archive", _version.EARLIER["0.1.0"], "templates"],
        cwd=Path(templates.source_dir()).parent, capture_output=True, check=True,
    ).stdout  # fmt: skip
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp_path / "old", filter="data")
    digest = store.fingerprint_files(templates.layout(tmp_path / "old" / "templates"))
    assert store.tags(repo)["v0.1.0"] == digest
    legacy = f"v0.1.0+dev.2.{digest[:8]}"
    assert store.restore(repo, legacy)
    assert git(repo, "rev-parse", f"{legacy}^{{tree}}") == git(repo, "rev-parse", "v0.1.0^{tree}")
    assert not store.restore(repo, "v0.1.0+dev.3.00000000")


@pytest.mark.parametrize(
    ("key", "value", "explained"),
    [
        ("project_kind", "todo_api", "would delete the blog apps"),
        ("project_slug", "other_name", "re-render every file under 'other_name'"),
    ],
)
def test_kind_and_slug_changes_are_refused_before_anything_changes(
    project: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, explained: str
) -> None:
    head = git(project, "rev-parse", "HEAD")
    assert main(["update", str(project), "--data", f"{key}={value}"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{key} cannot change on update" in err and explained in err and "Nothing was changed" in err
    assert git(project, "status", "--porcelain") == "" and git(project, "rev-parse", "HEAD") == head


@pytest.mark.slow
def test_plain_copier_update_refuses_kind_and_slug_changes_through_the_template(project: Path) -> None:
    for key, value in (("project_kind", "todo_api"), ("project_slug", "other_name")):
        result = subprocess.run(
            [COPIER, "update", "--defaults", "--data", f"{key}={value}"],
            cwd=project, capture_output=True, text=True,
        )  # fmt: skip
        assert result.returncode != 0
        assert f"Validation error for question '{key}': {key} cannot change on update" in result.stderr
        assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    result = subprocess.run([COPIER, "update", "--defaults"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0 and "Warning" not in result.stderr, result.stderr


def test_update_runs_from_any_folder_inside_the_project(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inside = project / "demo_blog" / "blog" / "templates"
    inside = inside if inside.is_dir() else project / "demo_blog" / "blog"
    assert main(["update", str(inside)]) == 0
    assert f"{project.name} is already on djstarter templates" in capsys.readouterr().out
    assert main(["update", str(inside), "--data", "project_kind=todo_api"]) == EXIT_USAGE


def test_a_folder_outside_any_project_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["update", str(tmp_path / "empty")]) == EXIT_USAGE
    assert "has no .copier-answers.yml" in capsys.readouterr().err


def test_bad_data_on_update(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["update", str(project), "--data", "use_celery=sometimes"]) == EXIT_USAGE
    assert "use_celery: expected true or false" in capsys.readouterr().err


def test_deleting_an_edited_file_is_refused_unless_allowed(
    tmp_path: Path, answers: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    project = generate({**answers, "use_docker": True}, tmp_path / "project")
    compose = project / "compose.yaml"
    compose.write_text(compose.read_text() + "# our own service notes\n")
    git(project, "commit", "-qam", "Edit compose.yaml")
    head = git(project, "rev-parse", "HEAD")

    assert main(["update", str(project), "--data", "use_docker=false"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert (
        "would delete 1 file(s) you changed" in err and "  compose.yaml\n" in err and "--allow-delete" in err
    )
    assert "Dockerfile" not in err  # unedited files the templates drop are not the user's concern
    assert git(project, "status", "--porcelain") == "" and git(project, "rev-parse", "HEAD") == head

    assert main(["update", str(project), "--data", "use_docker=false", "--allow-delete"]) == 0
    out = capsys.readouterr().out
    assert not compose.exists() and "git show HEAD:compose.yaml" in out
    assert "Deleted files:\n" in out and "  Dockerfile" in out and "git add -A" in out


@pytest.mark.parametrize("recognised", [True, False], ids=["copiers-renders", "own-renders"])
def test_the_deletion_check_reads_copiers_renders_or_makes_its_own(
    tmp_path: Path,
    answers: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    recognised: bool,
) -> None:
    """The check reuses the old and new trees Copier's update renders anyway (3 renders, not 5); should
    their folders not be recognised, it renders them itself, and refuses the same deletion."""
    from copier._main import Worker

    from djstarter import direct
    from djstarter.commands import update

    if not recognised:
        monkeypatch.setattr(
            update, "reading_renders", lambda *_, **__: contextlib.nullcontext(update.Renders())
        )
    renders: list[str] = []
    render_template = vars(Worker)["_render_template"]

    def counting(worker: Worker) -> None:
        renders.append(str(worker.dst_path))
        render_template(worker)

    monkeypatch.setattr(Worker, "_render_template", counting)
    render_directly = direct.render

    def counting_direct(answers: Any, project: Path, template: Path) -> bool:
        done = render_directly(answers, project, template)
        if done:  # rendered without Copier (djstarter.direct), as Copier would
            renders.append(str(project))
        return done

    monkeypatch.setattr(direct, "render", counting_direct)
    render_worker = direct.render_worker

    def counting_worker(worker: Worker) -> bool:
        done = render_worker(worker)
        if done:  # Copier's old or new copy rendered by djstarter.direct, as Copier would
            renders.append(str(worker.dst_path))
        return done

    monkeypatch.setattr(direct, "render_worker", counting_worker)
    project = generate({**answers, "use_docker": True}, tmp_path / "project")
    (project / "compose.yaml").write_text("# ours now\n")
    git(project, "commit", "-qam", "Edit compose.yaml")
    renders.clear()
    assert main(["update", str(project), "--data", "use_docker=false"]) == EXIT_USAGE
    assert "would delete 1 file(s) you changed" in capsys.readouterr().err
    assert git(project, "status", "--porcelain") == ""
    assert len(renders) == (3 if recognised else 5)


def _tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` but ``.git`` and ``.env`` (its secret is random): bytes and full mode."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mode)
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts and path.name != ".env"
    }


@pytest.mark.parametrize(
    "case",
    [
        "one-version",
        "one-version-and-answers",
        "unknown-setting-falls-back",
        "symlink-falls-back",
        "old-templates-kept",
    ],
)
def test_update_renders_directly_as_copier_does(
    tmp_path: Path, answers: dict[str, Any], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """``copier update``'s three renders (the old templates with the recorded answers and the new ones with
    the new answers into empty folders, then the new ones into the project) are made by
    ``direct.render_worker``: the same files, bytes and modes as Copier's own renders, and so the same
    updated project: the user's edits (a mode too) kept, a conflict marked, a file the user deleted left
    deleted, a file the new templates drop deleted. A template with a setting the direct renderer does not
    know, or a symlink on a path it writes in the project, is rendered by Copier, with the same result. The
    new templates come from the folder the store keeps, Copier's from a checkout of the tag; so do the old
    ones when the store keeps them too (this machine generated a project with them)."""
    from djstarter import store

    source = Path(shutil.copytree(Path(__file__).parents[1] / "templates", tmp_path / "templates"))
    settings = source / "_base" / "config" / "settings" / "local.py.jinja"
    settings.write_text(settings.read_text() + '\nTEMPLATE_CHANGE = "old"\n')
    (source / "_base" / "OLD_ONLY.md").write_text("only in the old templates\n")
    script = source / "_base" / "scripts" / "old_only.sh"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\necho old\n")
    script.chmod(0o755)
    (source / "_base" / "config" / "settings" / "base.py.jinja").chmod(0o755)  # 0644 in the new templates
    if case == "unknown-setting-falls-back":  # a setting Copier knows and djstarter.direct does not
        config = source / "copier.yml"
        config.write_text(config.read_text() + "\n_skip_if_exists: []\n")
    if case == "old-templates-kept":  # templates of their own (a digest no other case composes)
        (source / "_base" / "OLD_ONLY.md").write_text("only in the old templates, kept composed\n")
    old = store.ensure(source, version="0.0.1")
    if case == "old-templates-kept":  # as the djstarter of these templates left its store
        store.ensure_template(answers["project_kind"], tmp_path / "fallback", src=source, version="0.0.1")
    data = ["--data", "use_docker=true"] if case == "one-version-and-answers" else []

    symlink = case == "symlink-falls-back"
    outcomes = {
        renderer: _update_rendering_copies(
            renderer,
            tmp_path / renderer,
            answers,
            old,
            data,
            monkeypatch,
            symlink,
            kept=2 if case == "old-templates-kept" else 1,
        )
        for renderer in ("copier", "direct")
    }
    copier_copies, copier_tree, copier_status, copier_direct = outcomes["copier"]
    direct_copies, direct_tree, direct_status, direct_direct = outcomes["direct"]
    assert set(copier_copies) == {".old_copy.", ".new_copy."}
    assert copier_direct == [("old", False), ("project", False), ("new", False)]
    expected = [("old", case != "unknown-setting-falls-back"), ("project", not symlink), ("new", True)]
    assert direct_direct == expected
    assert direct_copies == copier_copies
    assert "OLD_ONLY.md" in copier_copies[".old_copy."] and "OLD_ONLY.md" not in copier_copies[".new_copy."]
    assert copier_copies[".old_copy."]["scripts/old_only.sh"][1] & 0o111
    assert direct_tree == copier_tree and direct_status == copier_status
    assert "UU config/settings/local.py" in direct_status.splitlines()  # the conflict, marked
    assert " D OLD_ONLY.md" in direct_status.splitlines() and "manage.py" not in direct_tree
    assert direct_tree["README.md"][0].endswith(b"\nOur notes.\n")
    assert direct_tree["pyproject.toml"][1] & 0o111 and not direct_tree["config/settings/base.py"][1] & 0o111


def _update_rendering_copies(
    renderer: str,
    dest: Path,
    answers: dict[str, Any],
    old: Any,
    data: list[str],
    monkeypatch: pytest.MonkeyPatch,
    symlink: bool,
    kept: int = 1,
) -> tuple[
    dict[str, dict[str, tuple[bytes, int]]], dict[str, tuple[bytes, int]], str, list[tuple[str, bool]]
]:
    """Generate from ``old``, edit, commit and update with Copier's copies rendered by ``renderer``: the
    copies' trees, the project's tree and status, and each ``direct.render_worker`` call's outcome. The
    direct renderer's update reads ``kept`` versions from the store's folders instead of checkouts."""
    from copier._main import Worker

    from djstarter import direct, store
    from djstarter import generate as generate_module

    copies: dict[str, dict[str, tuple[bytes, int]]] = {}
    direct_renders: list[tuple[str, bool]] = []
    run_copy, render_worker = vars(Worker)["run_copy"], direct.render_worker

    def snapshot(worker: Worker, *args: Any, **kwargs: Any) -> Any:
        result = run_copy(worker, *args, **kwargs)
        for name in (".old_copy.", ".new_copy."):
            if name in str(worker.dst_path):
                copies[name] = _tree(Path(worker.dst_path))
        return result

    kept_checkouts: list[bool] = []
    kept_checkout = generate_module._kept_checkout

    def recording_kept(*args: Any) -> Any:
        known = kept_checkout(*args)
        kept_checkouts.append(known is not None)
        return known

    def recording(worker: Worker) -> bool:
        done = render_worker(worker) if renderer == "direct" else False
        where = str(worker.dst_path)
        direct_renders.append(
            ("old" if ".old_copy." in where else "new" if ".new_copy." in where else "project", done)
        )
        return done

    with monkeypatch.context() as patches:
        patches.setattr(Worker, "run_copy", snapshot)
        patches.setattr(direct, "render_worker", recording)
        patches.setattr(generate_module, "_kept_checkout", recording_kept)
        if renderer == "copier":  # the new templates checked out, as before
            patches.setattr(store, "kept_template", lambda *_: None)
        project = generate(answers, dest, release=old)
        local = project / "config" / "settings" / "local.py"
        local.write_text(local.read_text().replace('"old"', '"ours"'))  # the new templates drop the line
        (project / "README.md").write_text((project / "README.md").read_text() + "\nOur notes.\n")
        (project / "manage.py").unlink()  # deleted by the user: an update leaves it deleted
        (project / "pyproject.toml").chmod(0o755)  # a mode of the user's own
        if symlink:  # a symlink where the render writes a file: Copier replaces it by the file
            (project / "env.sample").write_text("A=1\n")
            (project / ".env.example").unlink()
            (project / ".env.example").symlink_to("env.sample")
        git(project, "add", "-A")
        git(project, "commit", "-qm", "Our edits")
        assert main(["update", "-q", str(project), *data]) == 0
    status = git(project, "status", "--porcelain", "--untracked-files=all")
    assert kept_checkouts == ([] if renderer == "copier" else [True] * kept)  # the store's folders
    return copies, _tree(project), status, direct_renders


@pytest.mark.parametrize("obstacle", ["without-overwrite", "a-file-where-a-folder-goes"])
def test_the_direct_worker_render_leaves_what_copier_must_decide_to_copier(
    tmp_path: Path, answers: dict[str, Any], obstacle: str
) -> None:
    """Into a folder with files, ``direct.render_worker`` renders only what Copier would write without
    asking or failing: without ``overwrite`` (Copier asks about each changed file), or with a file where the
    templates have a folder, it returns False with nothing written, and Copier renders."""
    from copier._main import Worker

    from djstarter import direct, store

    release = store.ensure()
    template = store.export(release, tmp_path / "template", [answers["project_kind"]])
    destination = tmp_path / "project"
    destination.mkdir()
    (destination / ("keep.txt" if obstacle == "without-overwrite" else "config")).write_text("ours\n")
    before = _tree(destination)
    with Worker(
        src_path=str(template), dst_path=destination, data=answers, defaults=True, quiet=True,
        overwrite=obstacle != "without-overwrite",
    ) as worker:  # fmt: skip
        worker._ask()
        assert direct.render_worker(worker) is False
    assert _tree(destination) == before and len(list(destination.iterdir())) == 1


@pytest.mark.parametrize("change", ["none", "bytes", "extra-file", "missing-file", "mode", "second-tag"])
def test_the_kept_template_stands_for_a_checkout_only_when_it_is_one(
    tmp_path: Path, answers: dict[str, Any], change: str
) -> None:
    """An update renders the new templates from the folder the store keeps with their composed template
    only when it holds exactly what a checkout of the tag would (paths, bytes, modes) and the tag is alone on
    its commit; its git facts are then the tag's (commit hash, the index's modes)."""
    from djstarter import store
    from djstarter.generate import _kept_checkout

    kind = str(answers["project_kind"])
    release = store.ensure()
    kept = store.kept_template(release, kind)
    assert kept is not None and kept == store.kept_template(release, kind)  # kept, not composed again
    folder = Path(shutil.copytree(kept, tmp_path / "kept"))
    manage = folder / "templates" / kind / "manage.py"
    if change == "bytes":
        manage.write_bytes(manage.read_bytes() + b"\n")
    elif change == "extra-file":
        (folder / "templates" / kind / "extra.txt").write_text("x\n")
    elif change == "missing-file":
        manage.unlink()
    elif change == "mode":
        manage.chmod(0o644)
    elif change == "second-tag":
        git(release.path, "tag", "another-name", f"{release.tag}^{{commit}}")
    known = _kept_checkout(release.path, release.path, release.tag, folder, [kind])
    if change != "none":
        assert known is None
        return
    commit = git(release.path, "rev-parse", f"{release.tag}^{{commit}}").strip()
    assert known is not None and known["commit_hash"] == commit
    modes = known["git_index_modes"]
    assert modes[PurePosixPath(f"templates/{kind}/manage.py")] == 0o100755
    assert modes[PurePosixPath("copier.yml")] == 0o100644
    other = "saas" if kind != "saas" else "blog"  # a checkout of two kinds holds more files
    assert _kept_checkout(release.path, release.path, release.tag, folder, [kind, other]) is None


def test_the_deletion_check_reads_trees_as_rglob_finds_them(tmp_path: Path) -> None:
    """``_read_tree`` (a scandir walk) finds the files ``Path.rglob`` finds, ``.git`` left out at any depth
    and symlinked folders not entered; with ``only``, the other files are there by name alone."""
    from djstarter.commands.update import _read_tree

    root = tmp_path / "tree"
    for name, data in {
        "a.txt": b"a", "pkg/b.py": b"b", "pkg/deep/c.md": b"c", ".git/HEAD": b"h", "sub/.git": b"gitdir",
        "sub/.git-keep": b"k", ".env.example": b"E=1\n", "pyproject.toml": b"[project]\n",
    }.items():  # fmt: skip
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "link.txt").symlink_to(root / "a.txt")
    (root / "linked").symlink_to(root / "pkg", target_is_directory=True)
    (root / "broken").symlink_to(root / "missing")
    expected = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }
    assert _read_tree(root) == expected
    assert sorted(expected) == [
        ".env.example", "a.txt", "link.txt", "pkg/b.py", "pkg/deep/c.md", "pyproject.toml", "sub/.git-keep",
    ]  # fmt: skip
    only = _read_tree(root, only=frozenset({".env.example", "pyproject.toml"}))
    assert only == {
        name: data if name in {".env.example", "pyproject.toml"} else None for name, data in expected.items()
    }


def test_report_names_new_files_migration_collisions_and_the_env_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    migrations = project / "demo_blog" / "blog" / "migrations"
    first = sorted(p.stem for p in migrations.glob("0*.py"))[-1]
    (migrations / "0099_user_change.py").write_text(
        f"from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        f"    dependencies = [('blog', '{first}')]\n    operations = []\n"
    )
    git(project, "add", "-A")
    git(project, "commit", "-qm", "User migration")
    (migrations / "0099_other_change.py").write_text((migrations / "0099_user_change.py").read_text())
    git(project, "add", "-A")
    git(project, "commit", "-qm", "A second leaf (as a release adding its own migration would make)")
    assert main(["update", str(project), "--data", "database=postgresql"]) == 0
    out = capsys.readouterr().out
    merge = "demo_blog/blog/migrations/0100_merge_0099_other_change_0099_user_change.py"
    assert "Migration fork in app 'blog'" in out and f"djstarter wrote {merge}" in out
    assert (
        '("blog", "0099_other_change"),\n        ("blog", "0099_user_change"),'
        in (project / merge).read_text()
    )
    from djstarter import migration_graph

    assert migration_graph.conflicts(project) == {}  # one leaf again: migrate runs
    assert "your .env was left as it is" in out and "set DATABASE_URL in .env" in out
    assert "Changed files:\n" in out and "  .env.example" in out
    recipe = out[out.index("Next, in this order:") :]
    assert (
        recipe.index("pip install -e . --group dev")  # psycopg is a new dependency
        < recipe.index("python manage.py migrate")
        < recipe.index("git add -A")
        < recipe.index("--check")
        < recipe.index("pytest")
        < recipe.index("commit")
    )


OPTION_FILES = {
    "use_drf": "demo_blog/blog/api/views.py",
    "use_celery": "config/celery.py",
    "use_allauth": "demo_blog/templates/allauth/layouts/base.html",
    "use_docker": "Dockerfile",
}


@pytest.mark.slow
@pytest.mark.full
@pytest.mark.parametrize("option", list(OPTION_FILES))
def test_plain_copier_update_adds_then_removes_an_option(
    tmp_path: Path, answers: dict[str, Any], option: str
) -> None:
    project = generate({**answers, "ci": "none"}, tmp_path / "project")
    marker = project / OPTION_FILES[option]
    assert not marker.exists()

    subprocess.run([COPIER, "update", "--defaults", "--data", f"{option}=true"], cwd=project, check=True,
                   capture_output=True)  # fmt: skip
    assert marker.is_file()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())[option] is True
    run(project, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov",
        env=project_env(DATABASE_URL="sqlite:///:memory:"))  # fmt: skip
    git(project, "add", "--all")
    git(project, "commit", "-qm", f"Add {option}")

    subprocess.run([COPIER, "update", "--defaults", "--data", f"{option}=false"], cwd=project, check=True,
                   capture_output=True)  # fmt: skip
    assert not marker.exists()
    run(project, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov",
        env=project_env(DATABASE_URL="sqlite:///:memory:"))  # fmt: skip


@pytest.mark.slow
def test_adding_ci_on_update(tmp_path: Path, answers: dict[str, Any]) -> None:
    project = generate({**answers, "ci": "none"}, tmp_path / "project")
    assert main(["update", str(project), "--quiet", "--data", "ci=gitlab"]) == 0
    assert (project / ".gitlab-ci.yml").is_file()
    assert not (project / ".github").exists()


def test_update_from_inside_the_project_where_its_package_is_importable(project: Path) -> None:
    """`python -m djstarter update` in the project: its own package is on sys.path, which is fine."""
    result = subprocess.run(
        [sys.executable, "-m", "djstarter", "update", "-q"], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "shadow" not in result.stderr
    assert git(project, "status", "--porcelain") == ""


def test_report_refuses_nothing_silently(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every kind of leftover is named: markers, .rej files, new, deleted and changed files."""
    from djstarter.commands.update import report

    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("kept.txt", "gone.txt", "changed.txt", "merged.txt", "notes.md"):
        (repo / name).write_text("one\n")
    (repo / "notes.md").write_text(
        "Conflicts look like `<<<<<<< before updating` (in prose, not at a line start)\n"
    )
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    (repo / "gone.txt").unlink()
    (repo / "changed.txt").write_text("two\n")
    (repo / "notes.md").write_text((repo / "notes.md").read_text() + ">>>>>>> also prose\n".rjust(22))
    (repo / "merged.txt").write_text(
        "<<<<<<< before updating\nours\n=======\ntheirs\n>>>>>>> after updating\n"
    )
    (repo / "binary.png.rej").write_text("hunk")
    (repo / "new dir").mkdir()
    (repo / "new dir" / "new file.txt").write_text("new\n")
    report(repo, "v1", "v2", {}, deleted_edits=[])
    out = capsys.readouterr().out
    assert "Conflicts to resolve" in out and "  merged.txt\n" in out
    assert "could not merge" in out and "  binary.png.rej\n" in out and "apply and delete the .rej" in out
    assert "New files (untracked until you 'git add' them):\n  new dir/new file.txt\n" in out
    assert "Deleted files:\n  gone.txt\n" in out and "Changed files:\n  changed.txt\n  notes.md\n" in out


@pytest.mark.parametrize("key", ["project_kind", "project_slug"])
def test_an_answers_file_without_the_kind_or_slug_is_refused_before_any_change(
    project: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    path = project / ".copier-answers.yml"
    path.write_text("".join(line for line in path.read_text().splitlines(True) if not line.startswith(key)))
    git(project, "commit", "-qam", f"lose {key}")
    head = git(project, "rev-parse", "HEAD")
    assert main(["update", str(project), "--data", "use_celery=true"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"lacks {key}" in err and "Nothing was changed" in err and "git checkout" in err
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(project, "rev-parse", "HEAD") == head


@pytest.mark.slow
@pytest.mark.parametrize("key", ["project_kind", "project_slug"])
def test_plain_copier_refuses_an_answers_file_without_the_kind_or_slug(project: Path, key: str) -> None:
    path = project / ".copier-answers.yml"
    path.write_text("".join(line for line in path.read_text().splitlines(True) if not line.startswith(key)))
    git(project, "commit", "-qam", f"lose {key}")
    result = subprocess.run(
        [COPIER, "update", "--defaults", "--data", "use_celery=true"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and f".copier-answers.yml has no {key}" in result.stderr, result.stderr
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""


@pytest.mark.parametrize("content", ["", "# nothing but a comment\n", "- a list\n", "project_kind: [blog\n"])
def test_an_empty_or_unreadable_answers_file_is_a_clear_error(
    project: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    (project / ".copier-answers.yml").write_text(content)
    git(project, "commit", "-qam", "break the answers file")
    assert main(["update", str(project)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("djstarter: ") and "Traceback" not in err and "git checkout" in err, err
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""


def test_another_git_holding_the_index_lock_is_explained(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".git" / "index.lock").write_text("")
    assert main(["update", str(project), "--data", "use_celery=true"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Another git process is working" in err and "index.lock" in err and "Traceback" not in err


@pytest.mark.parametrize("when", ["after Copier wrote files", "as a real SIGINT"])
def test_an_interrupted_update_is_undone_and_says_so(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    when: str,
) -> None:
    import os
    import signal
    import tempfile

    import copier

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    head = git(project, "rev-parse", "HEAD")

    def half_an_update(dst_path: Path, **_kwargs: object) -> None:
        (Path(dst_path) / "config" / "celery.py").write_text("half written\n")
        (Path(dst_path) / "README.md").write_text("changed\n")
        git(Path(dst_path), "add", "README.md")
        if when == "as a real SIGINT":
            os.kill(os.getpid(), signal.SIGINT)
        raise KeyboardInterrupt

    monkeypatch.setattr(copier, "run_update", half_an_update)
    assert main(["update", str(project), "--data", "use_celery=true"]) == 130
    err = capsys.readouterr().err
    assert "interrupted; the update was undone" in err and "nothing was written" not in err
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(project, "rev-parse", "HEAD") == head
    assert not [p.name for p in scratch.iterdir() if p.name.startswith("djstarter-")]


def test_a_failing_update_is_undone(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import copier
    from plumbum import ProcessExecutionError

    def failing(dst_path: Path, **_kwargs: object) -> None:
        (Path(dst_path) / "new_file.py").write_text("x = 1\n")
        raise ProcessExecutionError(["git", "apply"], 128, "", "fatal: Unable to create '.git/index.lock'")

    monkeypatch.setattr(copier, "run_update", failing)
    assert main(["update", str(project), "--data", "use_celery=true"]) == 1
    err = capsys.readouterr().err
    assert "git said: fatal: Unable to create '.git/index.lock'" in err and "The update was undone" in err
    assert "Traceback" not in err and git(project, "status", "--porcelain", "--untracked-files=all") == ""


def test_an_interrupt_after_the_update_finished_says_it_is_all_there(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from djstarter.commands import update

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(update, "report", interrupted)
    assert main(["update", str(project), "--data", "use_celery=true"]) == 130
    err = capsys.readouterr().err
    assert "interrupted after the update finished" in err and "undone" not in err
    assert (project / "config" / "celery.py").is_file() and project_answers(project)["use_celery"] is True


def test_moving_back_from_django_61_to_52_is_refused_before_anything_changes(
    tmp_path: Path, answers: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    project = generate({**answers, "django_version": "6.1"}, tmp_path / "project")
    head = git(project, "rev-parse", "HEAD")
    assert main(["update", str(project), "--data", "django_version=5.2"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "django_version cannot go back on update (6.1 -> 5.2)" in err and "Nothing was changed" in err
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(project, "rev-parse", "HEAD") == head


def test_django_upgrade_flag_without_a_move_to_a_newer_django_is_refused_before_anything_changes(
    tmp_path: Path, answers: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    project = generate(answers, tmp_path / "project")  # Django 5.2
    head = git(project, "rev-parse", "HEAD")
    assert main(["update", str(project), "--data", "use_celery=true", "--django-upgrade"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "--django-upgrade runs django-upgrade after an update that moves the project" in err
    assert "keeps it on Django 5.2" in err and "Nothing was changed" in err
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(project, "rev-parse", "HEAD") == head


@pytest.mark.slow
def test_plain_copier_update_refuses_to_move_back_to_django_52(
    tmp_path: Path, answers: dict[str, Any]
) -> None:
    project = generate({**answers, "django_version": "6.1"}, tmp_path / "project")
    result = subprocess.run(
        [COPIER, "update", "--defaults", "--data", "django_version=5.2"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "django_version cannot go back from 6.1 to 5.2" in result.stderr, result.stderr
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""


def test_an_update_between_versions_of_the_same_templates_records_the_new_version(
    tmp_path: Path, answers: dict[str, Any]
) -> None:
    """Two versions with the same templates share the folder the store keeps composed for them; the update
    still describes the new templates as the new version (a folder stands for one tag): the answers file
    records it and is the only change."""
    from djstarter import store

    source = Path(shutil.copytree(Path(__file__).parents[1] / "templates", tmp_path / "templates"))
    old = store.ensure(source, version="0.0.1")
    _, kept = store.ensure_template(answers["project_kind"], tmp_path / "kept", src=source, version="0.0.1")
    new = store.ensure()
    assert store.kept_template(new, answers["project_kind"]) == kept  # the same folder for both versions
    project = generate(answers, tmp_path / "project", release=old)
    assert main(["update", "-q", str(project)]) == 0
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["_commit"] == new.tag != old.tag
    assert git(project, "status", "--porcelain") == " M .copier-answers.yml\n"
