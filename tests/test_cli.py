"""The command line, run in-process: every flag and every error path."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from djstarter import answers as answers_mod
from djstarter import generate, prompts
from djstarter.cli import main
from djstarter.errors import EXIT_INTERRUPTED, EXIT_USAGE, GenerationError

from .helpers import write


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from djstarter import version, versioning

    version.cache_clear()  # computed once per process: a commit made while the tests run changes it
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"djstarter {version()}"
    assert version() == versioning.from_git()  # a checkout: the build named by git history
    assert version().startswith(versioning.release())


def test_help_points_to_list_and_to_where_plain_copier_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--help"]) == 0
    assert "'djstarter list' shows every project kind and stack option" in capsys.readouterr().out
    assert main(["update", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "at the project's top folder (where .copier-answers.yml is)" in out
        and "inside the project" not in out
    )


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "new" in out and "list" in out


def test_new_help_mentions_every_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--answers", "--data-file", "--data", "--defaults", "--no-git", "--overwrite"):
        assert flag in out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == EXIT_USAGE
    assert "usage: djstarter" in capsys.readouterr().out


def test_unknown_flag_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--frobnicate"]) == EXIT_USAGE
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "blog" in out and "use_celery" in out and "postgresql" in out
    assert "django_version" in out and "6.1 (" in out and "default 5.2" in out


def test_new_with_defaults_renders_commits_and_prints_next_steps(
    cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "--defaults", "--data", "project_name=My Blog"]) == 0
    project = cwd / "my_blog"
    assert (project / "manage.py").is_file()
    assert (project / "my_blog" / "blog").is_dir()
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["project_slug"] == "my_blog" and recorded["project_kind"] == "blog"
    log = subprocess.run(["git", "log", "--oneline"], cwd=project, capture_output=True, text=True, check=True)
    assert len(log.stdout.splitlines()) == 1 and "Initial commit from djstarter" in log.stdout
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True)
    assert status.stdout == ""  # .env is written but git-ignored
    assert (project / ".env").is_file()
    out = capsys.readouterr().out
    assert "Next steps:" in out and "cd my_blog" in out and "python manage.py runserver" in out


def test_answers_file_and_data_merge_command_line_wins(cwd: Path, answers: dict[str, Any]) -> None:
    answers_file = write(cwd / "answers.yml", yaml.safe_dump({**answers, "use_drf": True}))
    code = main(["new", "--answers", str(answers_file), "--data", "use_drf=false", "--no-git", "out"])
    assert code == 0
    recorded = yaml.safe_load((cwd / "out" / ".copier-answers.yml").read_text())
    assert recorded["use_drf"] is False
    assert not (cwd / "out" / ".git").exists()


def test_data_file_alias_and_generated_answers_file_feeds_back(cwd: Path) -> None:
    assert main(["new", "--defaults", "--no-git", "--quiet", "first"]) == 0
    first_answers = cwd / "first" / ".copier-answers.yml"
    assert main(["new", "--data-file", str(first_answers), "--no-git", "--quiet", "second"]) == 0
    assert yaml.safe_load((cwd / "second" / ".copier-answers.yml").read_text()) | {"_src_path": None} == (
        yaml.safe_load(first_answers.read_text()) | {"_src_path": None}
    )


def test_non_tty_without_answers_is_a_clear_error(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "--answers" in err and "--data" in err and "--defaults" in err
    assert "Traceback" not in err
    assert list(cwd.iterdir()) == []


def test_invalid_answers_file_reports_all_problems_and_writes_nothing(
    cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(cwd / "bad.yml", "projct_kind: blog\nuse_drf: maybe\nci: jenkins\nproject_slug: os\n")
    assert main(["new", "--answers", str(bad)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "4 problems" in err
    for fragment in ("projct_kind", "use_drf", "ci: 'jenkins'", "project_slug: 'os'"):
        assert fragment in err
    assert sorted(p.name for p in cwd.iterdir()) == ["bad.yml"]


def test_bad_data_is_reported_before_any_prompt(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--data", "use_celery=perhaps"]) == EXIT_USAGE
    assert "use_celery: expected true or false" in capsys.readouterr().err


@pytest.mark.parametrize("existing", ["file", "non-empty folder"])
def test_existing_destination_is_refused(
    cwd: Path, existing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = cwd / "taken"
    if existing == "file":
        target.write_text("keep me")
    else:
        write(target / "keep.txt", "keep me")
    assert main(["new", "--defaults", str(target)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "taken" in err and "Traceback" not in err
    if existing == "file":
        assert target.read_text() == "keep me"
    else:
        assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_empty_existing_destination_is_used(cwd: Path) -> None:
    (cwd / "empty").mkdir()
    assert main(["new", "--defaults", "--no-git", "--quiet", "empty"]) == 0
    assert (cwd / "empty" / "manage.py").is_file()


def test_overwrite_writes_into_a_non_empty_folder_and_keeps_other_files(cwd: Path) -> None:
    write(cwd / "site" / "notes.txt", "mine")
    assert main(["new", "--defaults", "--overwrite", "--quiet", "site"]) == 0
    assert (cwd / "site" / "notes.txt").read_text() == "mine"
    assert (cwd / "site" / "manage.py").is_file()


def test_unwritable_parent_is_refused(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = cwd / "locked"
    locked.mkdir()
    real_access = generate.os.access
    # Root may write anywhere, so the permission answer is simulated for this one folder.
    monkeypatch.setattr(
        generate.os, "access", lambda path, mode: Path(path) != locked and real_access(path, mode)
    )
    assert main(["new", "--defaults", str(locked / "site")]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "permission denied" in err and str(locked) in err
    assert list(locked.iterdir()) == []


def test_failure_during_rendering_leaves_nothing(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_render(*_args: object, **_kwargs: object) -> None:
        raise GenerationError("Rendering the template failed: boom")

    monkeypatch.setattr(generate, "render", broken_render)
    assert main(["new", "--defaults", "site"]) == 1
    assert "boom" in capsys.readouterr().err
    assert list(cwd.iterdir()) == []


def test_failure_during_git_init_leaves_nothing(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_git(*_args: object, **_kwargs: object) -> None:
        raise GenerationError("'git commit' failed: no space left")

    monkeypatch.setattr(generate, "git_init", broken_git)
    assert main(["new", "--defaults", "site"]) == 1
    assert "no space left" in capsys.readouterr().err
    assert list(cwd.iterdir()) == []


@pytest.mark.parametrize(
    ("exception", "code", "message"),
    [
        (KeyboardInterrupt, EXIT_INTERRUPTED, "interrupted; nothing was written"),
        (EOFError, EXIT_USAGE, "input ended before all answers were given"),
    ],
)
def test_interrupts_at_a_prompt(
    cwd: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exception: type[BaseException],
    code: int,
    message: str,
) -> None:
    def interrupted(_known: object) -> dict[str, Any]:
        raise exception

    monkeypatch.setattr(prompts, "ask", interrupted)
    assert main(["new"]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert list(cwd.iterdir()) == []


def test_interrupt_during_rendering_leaves_nothing(cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(generate, "render", interrupted)
    assert main(["new", "--defaults", "site"]) == EXIT_INTERRUPTED
    assert list(cwd.iterdir()) == []


def test_interrupt_after_the_project_was_written_says_so(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from djstarter.commands import new

    def interrupted(*_args: object, **_kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(new, "next_steps", interrupted)
    assert main(["new", "--defaults", "site"]) == EXIT_INTERRUPTED
    err = capsys.readouterr().err
    assert "interrupted after the project was written" in err and "nothing was written" not in err
    assert (cwd / "site" / ".copier-answers.yml").is_file() and (cwd / "site" / ".git").is_dir()


def test_a_sigint_while_the_project_moves_into_place_waits_for_the_move(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real SIGINT in the middle of the move: the move finishes, then the interrupt says it was written."""
    import os
    import signal

    move = generate._move_into_place

    def move_with_a_sigint(project: Path, dest: Path) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        move(project, dest)

    monkeypatch.setattr(generate, "_move_into_place", move_with_a_sigint)
    assert main(["new", "--defaults", "site"]) == EXIT_INTERRUPTED
    assert "interrupted after the project was written" in capsys.readouterr().err
    assert (cwd / "site" / ".copier-answers.yml").is_file()


def test_a_sigint_after_the_command_finished_does_not_kill_the_program(tmp_path: Path) -> None:
    """Ctrl-C just after the command returned: the program still exits with the command's status."""
    import signal
    import subprocess
    import sys

    script = (
        "import os, signal, sys\n"
        "from djstarter.cli import main\n"
        "sys.argv = ['djstarter', 'list']\n"
        "status = main()\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert done.returncode != -signal.SIGINT


def test_prompts_receive_given_answers_and_only_ask_the_rest(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, answers: dict[str, Any]
) -> None:
    seen: dict[str, Any] = {}

    def fake_ask(known: dict[str, Any]) -> dict[str, Any]:
        seen.update(known)
        return {**answers, **known}

    monkeypatch.setattr(prompts, "ask", fake_ask)
    assert main(["new", "--data", "use_drf=on", "--no-git", "--quiet", "site"]) == 0
    assert seen == {"use_drf": True}
    assert yaml.safe_load((cwd / "site" / ".copier-answers.yml").read_text())["use_drf"] is True


def test_new_takes_the_django_version_and_the_summary_shows_it(cwd: Path) -> None:
    assert main(["new", "--defaults", "--no-git", "--quiet", "--data", "django_version=6.1", "site"]) == 0
    project = cwd / "site"
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["django_version"] == "6.1"
    pyproject = (project / "pyproject.toml").read_text()
    assert '"Django>=6.1,<6.2"' in pyproject and 'requires-python = ">=3.12"' in pyproject
    summary = prompts.summary(answers_mod.validate({"django_version": "6.1"}))
    assert "Django" in summary and "6.1" in summary


def test_python_dash_m_entry_point(cwd: Path) -> None:
    import sys

    result = subprocess.run([sys.executable, "-m", "djstarter", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("djstarter ")


def test_first_commit_falls_back_to_the_project_author_without_git_identity(cwd: Path) -> None:
    (Path.home() / ".gitconfig").unlink()
    assert main(["new", "--defaults", "--quiet", "--data", "author_name=Grace Hopper",
                 "--data", "author_email=grace@example.com", "site"]) == 0  # fmt: skip
    author = subprocess.run(
        ["git", "log", "-1", "--format=%an <%ae>"],
        cwd=cwd / "site",
        capture_output=True,
        text=True,
        check=True,
    )
    assert author.stdout.strip() == "Grace Hopper <grace@example.com>"


def _only(cwd: Path, *names: str) -> None:
    assert sorted(p.name for p in cwd.iterdir()) == sorted(names)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("project_name: [unclosed\n", ["not valid YAML at line 2"]),
        ("- blog\n", ["must be a YAML mapping", "not a list"]),
        ("projetc_slug: x\n", ["projetc_slug: unknown question", "Did you mean 'project_slug'?"]),
        ("use_drf: 3\n", ["use_drf: expected true or false, got 3"]),
        ("database: mysql\n", ["database: 'mysql' is not one of sqlite, postgresql"]),
        ("project_name: ''\n", ["project_name: must not be empty"]),
        (f"project_name: {'n' * 81}\n", ["project_name: at most 80 characters (got 81)"]),
        ("project_slug: class\n", ["project_slug: 'class' is a Python keyword"]),
        ("project_slug: my-site\n", ["project_slug: 'my-site' is not a lowercase Python identifier"]),
        ("project_slug: django\n", ["project_slug: 'django' would shadow"]),
        ("project_name: A\nproject_name: B\n", ["line 2", "'project_name' is answered twice"]),
    ],
    ids=[
        "malformed", "not-a-mapping", "unknown-key", "wrong-type", "bad-choice", "empty-name",
        "long-name", "keyword-slug", "not-identifier", "shadowing-slug", "duplicate-key",
    ],
)  # fmt: skip
def test_every_bad_answers_file_exits_2_with_one_clear_message_and_writes_nothing(
    cwd: Path, capsys: pytest.CaptureFixture[str], text: str, fragments: list[str]
) -> None:
    write(cwd / "a.yml", text)
    assert main(["new", "--answers", "a.yml", "out"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("djstarter: ") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err
    _only(cwd, "a.yml")


def test_unreadable_answers_file_exits_2(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(cwd / "secret.yml", "project_name: x\n")
    real_read_text = Path.read_text

    def denied(self: Path, *args: Any, **kwargs: Any) -> str:
        if self.name == path.name:  # root reads any file, so the permission problem is simulated
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)
    assert main(["new", "--answers", "secret.yml", "out"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Cannot read the answers file secret.yml: Permission denied." in err
    _only(cwd, "secret.yml")


def test_missing_answers_file_exits_2(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--answers", "nope.yml", "out"]) == EXIT_USAGE
    assert "The answers file nope.yml does not exist." in capsys.readouterr().err
    _only(cwd)


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        ("project_slug=", "project_slug: must not be empty"),
        ("project_name=" + "n" * 81, "project_name: at most 80 characters"),
        ("projekt_kind=blog", "Did you mean 'project_kind'?"),
        ("=blog", "expected KEY=VALUE"),
        ("project_kind", "expected KEY=VALUE"),
        ("project_name=a\x00b", "single line of printable text"),
    ],
)
def test_bad_data_items_exit_2(
    cwd: Path, capsys: pytest.CaptureFixture[str], item: str, fragment: str
) -> None:
    assert main(["new", "--defaults", "--data", item, "out"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    _only(cwd)


def test_destination_inside_a_file_is_refused(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(cwd / "afile", "keep me")
    assert main(["new", "--defaults", "afile/site"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "which is a file, not a folder" in err and "Traceback" not in err
    assert (cwd / "afile").read_text() == "keep me"


def test_destination_name_too_long_is_refused(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--defaults", "x" * 300]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "cannot be used" in err and "Traceback" not in err
    _only(cwd)


def test_a_temporary_folder_is_gone_after_ctrl_c_even_while_a_stopped_git_still_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C reaches git too, and git may still be writing (creating leading folders, as ``git clone``
    does) for a moment after Python's clean-up began: the folder must not come back after removal."""
    from djstarter import interrupts

    writer = (
        "import pathlib, sys, time\n"
        "for i in range(40):\n"
        "    (pathlib.Path(sys.argv[1]) / 'objects' / str(i)).mkdir(parents=True, exist_ok=True)\n"
        "    time.sleep(0.01)\n"
    )
    monkeypatch.setattr(interrupts.state, "interrupted", True)
    with interrupts.temporary_folder("djstarter-test-") as folder:
        child = subprocess.Popen([sys.executable, "-c", writer, str(folder)])
        time.sleep(0.1)  # the child is writing when the block ends
    assert not folder.exists(), sorted(p.name for p in folder.rglob("*"))
    assert child.poll() is not None  # it was waited for, not left behind


def test_a_temporary_folder_that_cannot_be_removed_is_named_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The clean-up gives up after its patience, and says which folder it left behind (one line)."""
    from djstarter import interrupts

    folder = tmp_path / "stuck"
    folder.mkdir()
    monkeypatch.setattr(interrupts.shutil, "rmtree", lambda path, ignore_errors=False: None)
    interrupts.remove_folder(folder, patience=0.1)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"could not remove the temporary folder {folder}" in err
    monkeypatch.undo()
    interrupts.remove_folder(folder, patience=0.1)
    assert not folder.exists() and capsys.readouterr().err == ""
