"""The installed package: templates ship inside the wheel and render from it; the real terminal works."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from djstarter.templates import implemented_kinds

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("djstarter-*.whl"))


def test_wheel_contains_every_template_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "templates").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    missing = [name for name in sources if f"djstarter/{name}" not in names]
    assert missing == []
    assert "djstarter/cli.py" in names


@pytest.mark.slow
@pytest.mark.parametrize("kind", implemented_kinds())
def test_renders_from_the_installed_wheel(wheel: Path, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import djstarter.templates as t; "
        "assert t.source_dir().is_relative_to(sys.argv[1]), t.source_dir(); "
        "from djstarter.cli import main; sys.exit(main(sys.argv[2:]))"
    )
    project = tmp_path / "project"
    args = ["new", "--defaults", "--quiet", "--data", f"project_kind={kind}", str(project)]
    result = subprocess.run(
        [sys.executable, "-c", code, str(target), *args], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert (project / "manage.py").is_file()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["project_kind"] == kind


@pytest.mark.slow
def test_interactive_session_in_a_real_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    djstarter = Path(sys.executable).parent / "djstarter"
    child = pexpect.spawn(str(djstarter), ["new"], cwd=str(tmp_path), encoding="utf-8", timeout=30,
                          dimensions=(40, 140))  # fmt: skip
    child.expect("Project name")
    child.sendline("Terminal Blog")
    child.expect("Python package name")
    child.sendline("")  # accept the derived slug
    for prompt in ("One-line description", "Author name", "Author email"):
        child.expect(prompt)
        child.sendline("")
    child.expect("What kind of project")
    child.send("\r")
    child.expect("Django version")
    child.send("\x1b[B")  # down: 6.1
    child.send("\r")
    child.expect("Stack options")
    child.send(" ")  # toggle the first option (Django REST framework)
    child.send("\r")
    child.expect("Which CI service")
    child.send("\r")
    child.expect("Database")
    child.send("\r")
    child.expect("Generate this project")
    child.sendline("y")
    child.expect("Next steps:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = yaml.safe_load((tmp_path / "terminal_blog" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "Terminal Blog"
    assert answers["use_drf"] is True and answers["use_celery"] is False
    assert answers["ci"] == "github" and answers["database"] == "sqlite"
    assert answers["django_version"] == "6.1"


@pytest.mark.slow
def test_ctrl_c_in_a_real_terminal_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(str(Path(sys.executable).parent / "djstarter"), ["new"], cwd=str(tmp_path),
                          encoding="utf-8", timeout=30)  # fmt: skip
    child.expect("Project name")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


def test_every_kind_defines_every_hook_of_the_contract() -> None:
    """templates/README.md's hook table is the contract: each kind's _kind.jinja defines every name."""
    table = (ROOT / "templates" / "README.md").read_text()
    hooks = re.findall(r"^\| `(\w+)(?:\(\))?` \|", table, re.MULTILINE)
    assert len(hooks) > 20, "the hook table was not found in templates/README.md"
    for kind in implemented_kinds(ROOT / "templates"):
        source = (ROOT / "templates" / kind / "_kind.jinja").read_text()
        defined = set(re.findall(r"\{%-? *(?:set|macro) (\w+)", source))
        assert not set(hooks) - defined, f"{kind}/_kind.jinja lacks {sorted(set(hooks) - defined)}"
