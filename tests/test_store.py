"""The template store and the update path it enables: plain `copier update`, offline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from djstarter import store, templates
from djstarter.generate import generate

from .helpers import LOCAL_SETTINGS_TEMPLATE

COPIER = str(Path(sys.executable).parent / "copier")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A private copy of the templates that a test may change."""
    return Path(shutil.copytree(templates.source_dir(), tmp_path / "templates"))


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout


def test_store_lives_under_the_user_data_folder_and_is_recorded_home_relative() -> None:
    from djstarter import version

    release = store.ensure()
    assert release.tag.startswith(f"v{version()}")  # a checkout: the version and the files' fingerprint
    assert release.path.is_relative_to(Path.home())
    assert release.src_path.startswith("~/")


def test_store_location_can_be_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path / "elsewhere"))
    release = store.ensure()
    assert release.path == tmp_path / "elsewhere"
    assert (release.path / "copier.yml").is_file()


def test_same_templates_reuse_the_tag(source: Path) -> None:
    first = store.ensure(source, version="1.0.0")
    second = store.ensure(source, version="1.0.0")
    assert first == second and first.tag == "v1.0.0"
    assert git(first.path, "rev-list", "--count", "HEAD").strip() == "1"


def test_each_release_is_packed_as_it_is_added(source: Path) -> None:
    """An update checks a kind's templates out of the store twice: from a pack, not loose objects."""
    first = store.ensure(source, version="1.0.0")
    (source / LOCAL_SETTINGS_TEMPLATE).write_text("changed\n")
    second = store.ensure(source, version="1.0.1")
    assert first.path == second.path and second.tag == "v1.0.1"
    counts = dict(line.split(": ") for line in git(second.path, "count-objects", "-v").splitlines())
    assert counts["count"] == "0" and int(counts["in-pack"]) > 100
    assert git(second.path, "diff", "--stat", "v1.0.0", "v1.0.1").strip()  # both releases are readable


def test_a_tag_never_means_two_things(source: Path) -> None:
    """Other files under a version already tagged (an edited checkout) get their fingerprint as a label."""
    assert store.ensure(source, version="1.0.0").tag == "v1.0.0"
    readme = source / "_base" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nChanged.\n")
    first = store.ensure(source, version="1.0.0").tag
    assert first == f"v1.0.0+f{store.fingerprint_files(templates.layout(source))[:10]}"
    readme.write_text(readme.read_text() + "\nChanged again.\n")
    second = store.ensure(source, version="1.0.0").tag
    assert second.startswith("v1.0.0+f") and second != first
    assert store.ensure(source, version="1.0.1.post2+gabc1234").tag == "v1.0.1.post2+gabc1234"
    assert store.ensure(source, version="1.1.0").tag == "v1.1.0"
    assert len(store.tags(store.store_dir())) == 5


def test_a_checkout_is_named_by_its_version_and_content(source: Path) -> None:
    """An editable install ran first with changed templates; the real release still gets `v1.0.0`."""
    release_files = store.fingerprint_files(templates.layout(source))
    readme = source / "_base" / "README.md.jinja"
    original = readme.read_text()
    readme.write_text(original + "\nWork in progress.\n")
    dev = store.ensure(source, version="1.0.0.post1+gabc1234.dirty", checkout=True).tag
    assert dev.startswith("v1.0.0.post1+gabc1234.dirty.f")
    readme.write_text(original)
    assert store.ensure(source, version="1.0.0", checkout=True).tag == f"v1.0.0+f{release_files[:10]}"
    released = store.ensure(source, version="1.0.0", checkout=False)
    assert released.tag == "v1.0.0"
    assert store.tags(released.path)["v1.0.0"] == release_files


def test_versions_are_ordered_as_copier_orders_them() -> None:
    """Copier reads tags without their local label (``+…``) and refuses to go to a lower version."""
    order = ["v0.1.0", "v0.1.0.post4+g1234567", "v0.2.0", "v0.2.0.post1+gabcdef0.dirty.f0123456789", "v0.3.0"]
    assert [str(store.public_version(tag)) for tag in order] == [
        "0.1.0", "0.1.0.post4", "0.2.0", "0.2.0.post1", "0.3.0",
    ]  # fmt: skip
    assert store.sorted_tags(reversed(order)) == order
    assert store.public_version("not-a-version") is None


def test_the_checkout_is_told_apart_from_an_installed_package(source: Path) -> None:
    assert templates.from_checkout()  # the tests run from a checkout: src/djstarter beside templates/
    assert not templates.from_checkout(source)  # a plain copy, like a wheel's package data


def _generate(tmp_path: Path, answers: dict[str, Any], release: store.Release) -> Path:
    return generate(answers, tmp_path / "project", release=release)


def test_project_records_the_store_and_a_noop_update_leaves_it_clean(
    tmp_path: Path, answers: dict[str, Any]
) -> None:
    release = store.ensure()
    project = _generate(tmp_path, answers, release)
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["_src_path"] == release.src_path and recorded["_commit"] == release.tag
    subprocess.run([COPIER, "update", "--defaults"], cwd=project, check=True, capture_output=True)
    assert git(project, "status", "--porcelain") == ""


@pytest.mark.slow
def test_update_brings_template_changes_and_keeps_user_edits(
    tmp_path: Path, answers: dict[str, Any], source: Path
) -> None:
    project = _generate(tmp_path, answers, store.ensure(source, version="1.0.0"))
    # The user edits a generated file and commits.
    views = project / "demo_blog" / "users" / "models.py"
    views.write_text(views.read_text() + "\n\n# my own note\n")
    git(project, "commit", "-qam", "My edit")
    # A newer djstarter changes a template file.
    local = source / LOCAL_SETTINGS_TEMPLATE
    local.write_text(local.read_text() + '\nTEMPLATE_CHANGE = "arrived"\n')
    new = store.ensure(source, version="1.1.0")
    result = subprocess.run([COPIER, "update", "--defaults"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert 'TEMPLATE_CHANGE = "arrived"' in (project / "config" / "settings" / "local.py").read_text()
    assert "# my own note" in views.read_text()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == new.tag


@pytest.mark.slow
def test_conflicting_edit_keeps_both_sides_inline(
    tmp_path: Path, answers: dict[str, Any], source: Path
) -> None:
    project = _generate(tmp_path, answers, store.ensure(source, version="1.0.0"))
    target = project / "config" / "settings" / "local.py"
    target.write_text(
        target.read_text().replace("default=True)\nif not SECRET_KEY", "default=False)\nif not SECRET_KEY")
    )
    git(project, "commit", "-qam", "Debug off by default")
    template = source / LOCAL_SETTINGS_TEMPLATE
    template.write_text(
        template.read_text().replace("default=True)\nif not SECRET_KEY", "default=1)\nif not SECRET_KEY")
    )
    store.ensure(source, version="1.1.0")
    subprocess.run([COPIER, "update", "--defaults"], cwd=project, check=True, capture_output=True)
    text = target.read_text()
    assert "<<<<<<<" in text and ">>>>>>>" in text
    assert "default=False)" in text and "default=1)" in text


def test_parallel_runs_share_the_store_safely(source: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    readme = source / "_base" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nParallel.\n")
    with ThreadPoolExecutor(max_workers=4) as pool:
        releases = list(pool.map(lambda _: store.ensure(source, version="3.0.0"), range(4)))
    assert {release.tag for release in releases} == {"v3.0.0"}
    assert git(releases[0].path, "rev-list", "--count", "HEAD").strip() == "1"


def test_rendering_from_a_plain_copy_records_what_copier_would(
    tmp_path: Path, answers: dict[str, Any]
) -> None:
    """djstarter renders from a plain folder (faster) and then records the store release; the answers file
    must be byte-identical to the one Copier writes when it renders from the git tag itself."""
    import copier

    release = store.ensure()
    fast = _generate(tmp_path, answers, release)
    slow = tmp_path / "from-git"
    copier.run_copy(release.src_path, slow, data=answers, vcs_ref=release.tag, defaults=True, quiet=True)
    assert (fast / ".copier-answers.yml").read_text() == (slow / ".copier-answers.yml").read_text()


def test_fingerprint_of_the_layout_equals_the_fingerprint_of_the_composed_tree(tmp_path: Path) -> None:
    """ensure() hashes the sources without composing them; tags made either way must agree."""
    composed = templates.compose(tmp_path / "composed")
    assert store.fingerprint_files(templates.layout()) == store.fingerprint(composed)
    (composed / "templates" / "blog" / "extra.txt").write_text("x")
    assert store.fingerprint_files(templates.layout()) != store.fingerprint(composed)


def test_the_fingerprint_is_remembered_by_file_stat_and_never_outlives_a_change(
    source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ensure() reads every template file only when a file's stat changed; any write is such a change,
    also one that keeps the size and puts the modification time back."""
    monkeypatch.setattr(store, "_RACY_NS", 0)  # the copy is seconds old: trust its stat at once
    assert store.ensure(source, version="1.0.0").tag == "v1.0.0"  # creates the store (no cache yet)
    repo = store.store_dir()
    files = templates.layout(source)
    assert store.cached_fingerprint(repo, files) == store.fingerprint_files(files)  # computed, remembered
    reads: list[int] = []
    fingerprint_files = store.fingerprint_files
    monkeypatch.setattr(store, "fingerprint_files", lambda f: reads.append(1) or fingerprint_files(f))
    assert store.ensure(source, version="1.0.0").tag == "v1.0.0" and reads == []  # from the cache

    readme = source / "_base" / "README.md.jinja"
    before = readme.stat()
    text = readme.read_text()
    readme.write_text(text[:-2] + ("x" if text[-2] != "x" else "y") + text[-1])  # same size
    os.utime(readme, ns=(before.st_atime_ns, before.st_mtime_ns))  # same modification time
    assert readme.stat().st_size == before.st_size
    tag = store.ensure(source, version="1.0.0").tag
    assert reads == [1] and tag == f"v1.0.0+f{fingerprint_files(templates.layout(source))[:10]}"


def test_rendering_from_the_store_keeps_the_fingerprint_remembered(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``djstarter new`` composes the templates into a folder of its own each time; doing so must not touch
    the source files' stat (hard links changed their change time, so the cache never hit)."""
    monkeypatch.setattr(store, "_RACY_NS", 0)
    store.ensure(source, version="1.0.0")  # creates the store: nothing to remember it in yet
    store.ensure(source, version="1.0.0", into=tmp_path / "first", kinds=["blog"])  # remembered
    reads: list[int] = []
    fingerprint_files = store.fingerprint_files
    monkeypatch.setattr(store, "fingerprint_files", lambda f: reads.append(1) or fingerprint_files(f))
    store.ensure(source, version="1.0.0", into=tmp_path / "second", kinds=["blog"])
    store.ensure(source, version="1.0.0", into=tmp_path / "third", kinds=["blog"])
    assert reads == []
    assert store.fingerprint(tmp_path / "third") == store.fingerprint(tmp_path / "first")


def test_new_renders_from_a_composed_template_the_store_keeps(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``djstarter new`` composes a kind's template once per templates' content, in the store; a change gives
    a new one, and the least recently used beyond the limit go once idle."""
    monkeypatch.setattr(store, "_RACY_NS", 0)
    composed: list[list[str] | None] = []
    compose = templates.compose
    monkeypatch.setattr(
        templates, "compose", lambda d, s=None, k=None: composed.append(k) or compose(d, s, k)
    )
    release, first = store.ensure_template("blog", tmp_path / "unused", source, version="1.0.0")
    assert release.tag == "v1.0.0" and first.is_relative_to(release.path / ".git")
    expected = templates.compose(tmp_path / "expected", source, ["blog"])
    assert store.fingerprint(first) == store.fingerprint(expected)
    composed.clear()
    assert store.ensure_template("blog", tmp_path / "unused", source, version="1.0.0") == (release, first)
    assert composed == [] and not (tmp_path / "unused").exists()

    readme = source / "_base" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nChanged.\n")
    changed, second = store.ensure_template("blog", tmp_path / "unused", source, version="1.0.0")
    assert second != first and changed.tag != release.tag
    assert "Changed." in (second / "templates" / "blog" / "README.md.jinja").read_text()
    assert first.is_dir()  # used moments ago: kept

    monkeypatch.setattr(store, "_COMPOSED_KEPT", 1)
    monkeypatch.setattr(store, "_COMPOSED_IDLE_S", 0)
    store.ensure_template("social", tmp_path / "unused", source, version="1.0.0")
    assert not first.exists() and not second.exists()


def test_a_store_that_cannot_keep_a_composed_template_composes_into_the_fallback(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(*args: object) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store, "_composed", read_only)
    release, template = store.ensure_template("blog", tmp_path / "fallback", source, version="1.0.0")
    assert release.tag == "v1.0.0" and template == tmp_path / "fallback"
    assert sorted(p.name for p in (template / "templates").iterdir()) == ["blog"]


def test_a_file_changed_moments_ago_is_not_trusted_by_its_stat(source: Path) -> None:
    """A second write within the same timestamp tick would keep the stat: such listings are not remembered."""
    store.ensure(source, version="1.0.0")
    (source / "_base" / "README.md.jinja").write_text("Changed just now.\n")
    files = templates.layout(source)
    assert store._stat_key(files) is None
    assert store.cached_fingerprint(store.store_dir(), files) == store.fingerprint_files(files)
    assert not (store.store_dir() / ".git" / "djstarter-fingerprints.json").exists()


def test_ensure_writes_only_the_kinds_asked_for(tmp_path: Path) -> None:
    release = store.ensure(into=tmp_path / "blog-only", kinds=["blog"])
    assert sorted(p.name for p in (tmp_path / "blog-only" / "templates").iterdir()) == ["blog"]
    exported = store.export(release, tmp_path / "exported")
    for path in (tmp_path / "blog-only").rglob("*"):
        if path.is_file():
            relative = path.relative_to(tmp_path / "blog-only")
            assert (exported / relative).read_bytes() == path.read_bytes(), relative


def test_latest_tag_is_the_one_copier_update_picks() -> None:
    tags = ["v1.0.0", "v1.0.0.post2+gabc", "v1.0.0.post10+gdef", "v0.9.0", "v2.0.0rc1", "not-a-version"]
    assert store.latest_tag(tags) == "v1.0.0.post10+gdef"  # PEP 440 order, prereleases skipped (Copier's)
    assert store.latest_tag(["v2.0.0rc1", "junk"]) is None


@pytest.mark.slow
def test_djstarter_update_moves_to_its_own_newer_release(
    tmp_path: Path,
    answers: dict[str, Any],
    source: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not mistaken for a no-op: the project's version is older than this djstarter's, so Copier runs."""
    from djstarter.cli import main

    project = _generate(tmp_path, answers, store.ensure(source, version="1.0.0"))
    local = source / LOCAL_SETTINGS_TEMPLATE
    local.write_text(local.read_text() + '\nTEMPLATE_CHANGE = "arrived"\n')
    ensure = store.ensure
    monkeypatch.setattr(store, "ensure", lambda: ensure(source, version="1.1.0"))  # "this djstarter"
    assert main(["update", str(project)]) == 0
    assert f"Updated {project.name} from djstarter templates v1.0.0 to v1.1.0." in capsys.readouterr().out
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v1.1.0"
    assert 'TEMPLATE_CHANGE = "arrived"' in (project / "config" / "settings" / "local.py").read_text()


def test_an_update_to_older_templates_is_refused(
    tmp_path: Path,
    answers: dict[str, Any],
    source: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A project updated by a newer djstarter, then an older djstarter: refused, nothing changes."""
    from djstarter.cli import main

    project = _generate(tmp_path, answers, store.ensure(source, version="1.1.0"))
    local = source / LOCAL_SETTINGS_TEMPLATE
    local.write_text(local.read_text() + '\nOLDER = "templates"\n')
    ensure = store.ensure
    for older in ("1.0.0", "1.0.0.post7+g1234567", "1.1.0rc1"):
        monkeypatch.setattr(store, "ensure", lambda older=older: ensure(source, version=older))
        assert main(["update", str(project)]) == 2
        err = capsys.readouterr().err
        assert f"The project is on djstarter templates v1.1.0, newer than this djstarter's (v{older})" in err
        assert "Nothing was changed" in err and "pip install --upgrade djstarter" in err
        assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    for command in ([COPIER, "update", "--defaults", "--vcs-ref", "v1.0.0"],):  # plain Copier refuses too
        result = subprocess.run(command, cwd=project, capture_output=True, text=True)
        assert result.returncode != 0 and "downgrading" in result.stderr, result.stderr


# --- Versions: every build its own, ordered, without tags ------------------------------------------


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "checkout"
    (repo / "src" / "djstarter").mkdir(parents=True)
    (repo / "templates").mkdir()
    (repo / "pyproject.toml").write_text("[project]\nname = 'djstarter'\n")
    (repo / "src" / "djstarter" / "_version.py").write_text('RELEASE = "1.0.0"\n')
    git(tmp_path, "init", "-q", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Release 1.0.0")
    return repo


def _commit(repo: Path, message: str, name: str = "templates/file.txt") -> None:
    path = repo / name
    path.write_text(path.read_text() + message if path.exists() else message)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def test_versions_come_from_history_not_tags(tmp_path: Path) -> None:
    from djstarter import versioning

    repo = _repo(tmp_path)
    assert versioning.from_git(repo) == "1.0.0"
    _commit(repo, "a template change")
    head = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    first = versioning.from_git(repo)
    assert first == f"1.0.0.post1+g{head}"
    _commit(repo, "another")
    second = versioning.from_git(repo)
    assert second.startswith("1.0.0.post2+g")
    (repo / "templates" / "file.txt").write_text("edited, not committed")
    assert versioning.from_git(repo).endswith(".dirty")
    git(repo, "checkout", "-q", "--", ".")
    order = ["1.0.0", first, second, "1.1.0"]
    assert store.sorted_tags(f"v{v}" for v in reversed(order)) == [f"v{v}" for v in order]
    git(repo, "tag", "v7.0.0")  # tags do not matter
    assert versioning.from_git(repo) == second

    (repo / "src" / "djstarter" / "_version.py").write_text('RELEASE = "1.1.0"\n')  # cutting 1.1.0
    git(repo, "commit", "-qam", "Set 1.1.0")
    assert versioning.from_git(repo) == "1.1.0"
    _commit(repo, "the lead merges more work")
    assert versioning.from_git(repo).startswith("1.1.0.post1+g")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Release 1.1.0")  # the release's last commit
    assert versioning.from_git(repo) == "1.1.0"


def test_a_shallow_clone_cannot_tell_its_version(tmp_path: Path) -> None:
    from djstarter import versioning

    repo = _repo(tmp_path)
    for n in range(3):
        _commit(repo, f"change {n}")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    with pytest.raises(versioning.VersionError, match=r"shallow clone.*git fetch --unshallow"):
        versioning.from_git(shallow)
    assert versioning.build_version(shallow).startswith("1.0.0+shallow.g")  # an editable install still works
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(versioning.VERSION_ENV, "1.0.0.post3")
        assert versioning.build_version(shallow) == "1.0.0.post3"


def test_the_changelog_describes_this_release_and_the_earlier_ones() -> None:
    from djstarter import _version, changelog, versioning

    releases = changelog.releases()
    assert str(releases[0].version) == versioning.release() == _version.RELEASE
    assert releases[0].upgrade_notes, "every release has upgrade notes"
    described = {str(release.version) for release in releases}
    assert set(_version.EARLIER) <= described
    text = (changelog.path() or Path()).read_text()
    assert all(len(commit) == 40 and commit[:7] in text for commit in _version.EARLIER.values())
    from packaging.version import Version

    previous = Version(list(_version.EARLIER)[-1])  # the release before this one: only its notes are crossed
    notes = changelog.notes_between(previous, Version(f"{_version.RELEASE}.post4"))
    assert notes == releases[0].upgrade_notes
    assert changelog.notes_between(Version(_version.RELEASE), Version(_version.RELEASE)) == []


@pytest.mark.slow
def test_the_steps_name_a_new_variable_with_its_upgrade_note_before_migrating(
    tmp_path: Path,
    answers: dict[str, Any],
    source: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from djstarter import changelog
    from djstarter.cli import main

    project = _generate(tmp_path, answers, store.ensure(source, version="8.0.0"))
    example = source / "_base" / ".env.example.jinja"
    example.write_text(example.read_text() + "\n# The payment provider's key.\nPAYMENT_KEY=\n")
    pyproject = source / "_base" / "pyproject.toml.jinja"
    pyproject.write_text(
        pyproject.read_text().replace('"whitenoise', '"django-payments>=3,<4",\n    "whitenoise', 1)
    )
    notes = tmp_path / "CHANGELOG.md"
    notes.write_text(
        "# Changelog\n\n## 9.0.0 — 2027-01-01\n\n### Upgrade notes\n\n"
        "- PAYMENT_KEY is required in production: set it to your provider's secret key.\n"
        "- Run the migrations.\n\n## 8.0.0 — 2026-12-01\n\n### Upgrade notes\n\n- Not shown: older.\n"
    )
    monkeypatch.setattr(changelog, "path", lambda: notes)
    ensure = store.ensure
    monkeypatch.setattr(store, "ensure", lambda: ensure(source, version="9.0.0"))
    assert main(["update", str(project)]) == 0
    out = capsys.readouterr().out
    assert "Upgrade notes (CHANGELOG.md, after v8.0.0 up to v9.0.0):\n  - PAYMENT_KEY is required" in out
    assert "Not shown" not in out
    steps = out[out.index("Next, in this order:") :].splitlines()[1:]
    assert steps[0].startswith("  1. pip install -e . --group dev"), steps
    assert steps[1] == (
        "  2. set PAYMENT_KEY in .env and wherever the site runs (see .env.example): "
        "PAYMENT_KEY is required in production: set it to your provider's secret key."
    ), steps
    assert steps[2].startswith("  3. git add -A"), steps
