"""Each kind's default and all-options project, installed into a new virtual environment exactly as its
README says (uv for each; pip for one of the two per kind, alternating), then tested there: a dependency
the project forgot to declare cannot hide behind the tool's own venv, which holds every generated
dependency.

One pip cache and one uv cache are shared by the whole session (and by the xdist workers), so only the
first install of each package downloads it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from djstarter.generate import generate
from djstarter.templates import implemented_kinds

from .generated import project_env, render
from .helpers import BASE_ANSWERS

pytestmark = [pytest.mark.slow, pytest.mark.full]

CASES = [(kind, combination) for kind in implemented_kinds() for combination in ("defaults", "all-on")]
IDS = [f"{kind}-{combination}" for kind, combination in CASES]
#: pip takes about 90 s a project and uv a fraction of that: uv installs every case (a dependency the
#: project forgot to declare shows there), pip one case per kind, defaults and all options alternating.
PIP_CASES = [(kind, ("defaults", "all-on")[index % 2]) for index, kind in enumerate(implemented_kinds())]
#: What a user's shell would not have: the tool's venv and the tool's own test settings.
_DROPPED = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT")
_OPTIONS = {"use_drf", "use_celery", "use_allauth", "use_docker", "ci", "database"}


def render_case(kind: str, combination: str, dest: Path) -> Path:
    """The defaults: what a user gets by pressing Enter, the kind's own default for every option."""
    if combination == "defaults":
        answers = {key: value for key, value in BASE_ANSWERS.items() if key not in _OPTIONS}
        return generate({**answers, "project_kind": kind}, dest, git=False)
    return render(kind, combination, dest)


@pytest.fixture(scope="session")
def caches(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Download caches shared by the session (across xdist workers: their base temps share a parent)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    path = root / "install-caches"
    path.mkdir(exist_ok=True)
    return path


def user_env(caches: Path, venv: Path | None = None) -> dict[str, str]:
    env = {key: value for key, value in project_env().items() if key not in _DROPPED}
    tool_bin = str(Path(sys.executable).parent)
    path = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if entry and entry != tool_bin]
    if venv is not None:
        path.insert(0, str(venv / "bin"))
        env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join(path)
    env["PIP_CACHE_DIR"] = str(caches / "pip")
    env["UV_CACHE_DIR"] = str(caches / "uv")
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def sh(cwd: Path, *args: str, env: dict[str, str], timeout: int = 900) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {result.returncode} in {cwd}:\n{output[-6000:]}")
    return output


def base_python() -> str:
    """The interpreter a user would create the venv with (not the tool's venv)."""
    return getattr(sys, "_base_executable", None) or sys.executable


def assert_suite_passed(output: str) -> None:
    assert re.search(r"\d+ passed", output) and " failed" not in output, output[-3000:]


@pytest.mark.parametrize(("kind", "combination"), PIP_CASES, ids=[f"{k}-{c}" for k, c in PIP_CASES])
def test_pip_install_as_the_readme_says(kind: str, combination: str, tmp_path: Path, caches: Path) -> None:
    project = render_case(kind, combination, tmp_path / "project")
    readme = (project / "README.md").read_text()
    assert "pip install -e . --group dev" in readme
    venv = project / ".venv"
    sh(project, base_python(), "-m", "venv", str(venv), env=user_env(caches))
    env = user_env(caches, venv)
    sh(project, "python", "-m", "pip", "install", "--upgrade", "pip", env=env)
    sh(project, "pip", "install", "-e", ".", "--group", "dev", env=env)
    assert shutil.which("pytest", path=env["PATH"]) == str(venv / "bin" / "pytest")
    assert_suite_passed(sh(project, "pytest", "-q", "-p", "no:cacheprovider", env=env))


@pytest.fixture(scope="session")
def uv(tmp_path_factory: pytest.TempPathFactory, caches: Path) -> str:
    """uv, installed with pip into a throwaway venv (the README's other way to install)."""
    venv = tmp_path_factory.mktemp("uv-tool") / "venv"
    env = user_env(caches)
    try:
        sh(venv.parent, base_python(), "-m", "venv", str(venv), env=env)
        sh(venv.parent, str(venv / "bin" / "python"), "-m", "pip", "install", "uv", env=env, timeout=300)
    except (AssertionError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"uv could not be installed here: {str(error)[-500:]}")
    return str(venv / "bin" / "uv")


@pytest.mark.parametrize(("kind", "combination"), CASES, ids=IDS)
def test_uv_sync_as_the_readme_says(
    kind: str, combination: str, tmp_path: Path, caches: Path, uv: str
) -> None:
    project = render_case(kind, combination, tmp_path / "project")
    assert "uv sync" in (project / "README.md").read_text()
    env = user_env(caches)
    env["UV_PYTHON"] = base_python()
    result = subprocess.run([uv, "sync"], cwd=project, env=env, capture_output=True, text=True, timeout=900)
    offline = re.search(r"(?i)(failed to fetch|connect|dns|network|timed out)", result.stderr)
    if result.returncode != 0 and offline:
        pytest.skip(f"uv cannot reach a package index here: {result.stderr[-500:]}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / ".venv" / "bin" / "pytest").exists()
    assert_suite_passed(sh(project, uv, "run", "pytest", "-q", "-p", "no:cacheprovider", env=env))
