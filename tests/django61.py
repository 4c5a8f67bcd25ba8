"""Django 6.1 projects for tests: their answer sets, the Python that runs them, and ONE shared venv.

Django 6.1 needs Python >= 3.12 and the tool's own venv may be older, so the 6.1 tier runs every
generated project in one Python 3.12+ venv built once per dependency set (a hash of the rendered
projects' requirements): cached under the system's temporary folder, built under a file lock by the
first xdist worker that needs it, reused by every later test and session.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import pytest

from .generated import OPTIONS_OFF, OPTIONS_ON, project_env

#: Where the shared venvs live (one folder per dependency set); DJSTARTER_TEST_VENV_CACHE overrides.
CACHE = Path(
    os.environ.get("DJSTARTER_TEST_VENV_CACHE") or Path(tempfile.gettempdir()) / "djstarter-test-venvs"
)
#: The answer set each kind runs on Django 6.1: five rows of a pairwise sample of the options (the first five
#: rows of tests/test_matrix.py's greedy ``pairwise`` over use_drf, use_celery, use_allauth, use_docker and
#: ci, DRF's rows given to todo_api, which always has it), so every option runs on 6.1 both on and off and
#: every CI service once. All use PostgreSQL (the suites run on the shared server when
#: DJSTARTER_TEST_POSTGRES_URL is set); SQLite on 6.1 is the upgraded blog of the update test.
SAMPLE_61: dict[str, dict[str, object]] = {
    "ecommerce": {**OPTIONS_ON, "ci": "github"},
    "todo_api": {**OPTIONS_OFF, "use_drf": True, "ci": "gitlab"},
    "saas": {**OPTIONS_OFF, "use_celery": True, "use_allauth": True, "ci": "none"},
    "blog": {**OPTIONS_OFF, "use_docker": True, "ci": "github"},
    "social": {**OPTIONS_OFF, "use_drf": True, "use_celery": True, "use_docker": True, "ci": "none"},
}


def answers_61(kind: str) -> dict[str, object]:
    """The kind's sampled answer set on Django 6.1, on PostgreSQL."""
    return {"django_version": "6.1", **SAMPLE_61[kind], "database": "postgresql"}


#: The generated CI's flags: a deprecation warning from the project's code fails the suite.
STRICT_WARNINGS = ("-W", "error::DeprecationWarning", "-W", "error::PendingDeprecationWarning")


def python_312_plus() -> str | None:
    """A Python >= 3.12 interpreter (Django 6.1's minimum), newest first; None when there is none."""
    candidates = [
        os.environ.get("DJSTARTER_TEST_PYTHON313", ""),
        *sorted(glob.glob("/root/.pyenv/versions/3.13*/bin/python"), reverse=True),
        shutil.which("python3.13") or "",
        *sorted(glob.glob("/root/.pyenv/versions/3.12*/bin/python"), reverse=True),
        shutil.which("python3.12") or "",
    ]
    if sys.version_info >= (3, 12):
        candidates.append(sys.executable)
    for candidate in filter(None, candidates):
        try:
            result = subprocess.run(
                [candidate, "-c", "import sys, venv; print(sys.version_info >= (3, 12))"],
                capture_output=True, text=True, timeout=30,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            continue
        if result.returncode == 0 and result.stdout.strip() == "True":
            return candidate
    return None


def require_python() -> str:
    """The interpreter, or a skip locally; in CI (CI=true) a missing Python 3.12+ fails loudly."""
    python = python_312_plus()
    if python is None:
        reason = (
            "Django 6.1 needs Python >= 3.12 and none was found (tried DJSTARTER_TEST_PYTHON313, pyenv's "
            "3.13/3.12, python3.13 and python3.12 on PATH)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}: CI must test the Django 6.1 tier; install Python 3.13.")
        pytest.skip(reason)
    return python


def requirements(projects: list[Path]) -> list[str]:
    """Every requirement of the projects (dependencies and dependency groups), sorted, once each."""
    found: set[str] = set()
    for project in projects:
        config = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        found |= set(config["project"]["dependencies"])
        for group in config.get("dependency-groups", {}).values():
            found |= {item for item in group if isinstance(item, str)}
    return sorted(found)


def shared_venv(python: str, wanted: list[str]) -> Path:
    """The venv holding ``wanted`` for ``python``: built once per (interpreter, requirements) key."""
    from filelock import FileLock

    version = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True)
    key = hashlib.sha256("\n".join([version.stdout.strip(), *wanted]).encode()).hexdigest()[:16]
    CACHE.mkdir(parents=True, exist_ok=True)
    venv = CACHE / f"django61-{key}"
    with FileLock(str(CACHE / f"django61-{key}.lock")):
        if not (venv / "ready").is_file():
            shutil.rmtree(venv, ignore_errors=True)
            started = time.perf_counter()
            subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True)
            result = subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *wanted],
                capture_output=True, text=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
            )  # fmt: skip
            if result.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                raise AssertionError(f"pip could not install the Django 6.1 projects' dependencies:\n"
                                     f"{(result.stdout + result.stderr)[-4000:]}")  # fmt: skip
            (venv / "ready").write_text(f"built in {time.perf_counter() - started:.0f} s\n")
    return venv


def overlay(venv: Path, wanted: list[str]) -> Path:
    """A venv of ``wanted`` over the shared ``venv``: ``wanted`` installed without dependencies in its own
    site-packages, then the shared venv's site-packages through a .pth file (after its own, so its own
    versions win; subprocesses inherit it). Built once per (venv, requirements) key, in seconds: Django 5.2
    and its 5.2-only add-ons over the 6.1 tier's venv run a 5.2 project under the tier's Python 3.13."""
    from filelock import FileLock

    key = hashlib.sha256("\n".join(["venv over venv", str(venv), *wanted]).encode()).hexdigest()[:16]
    folder = CACHE / f"overlay-{key}"
    with FileLock(str(CACHE / f"overlay-{key}.lock")):
        if not (folder / "ready").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            python = str(venv / "bin" / "python")
            subprocess.run(
                [python, "-m", "venv", "--without-pip", str(folder)], check=True, capture_output=True
            )
            site, shared = (_purelib(folder / "bin" / "python"), _purelib(Path(python)))
            result = subprocess.run(
                [python, "-m", "pip", "install", "-q", "--no-deps", "--target", site, *wanted],
                capture_output=True, text=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
            )  # fmt: skip
            if result.returncode != 0:
                shutil.rmtree(folder, ignore_errors=True)
                output = (result.stdout + result.stderr)[-4000:]
                raise AssertionError(f"pip could not install {wanted}:\n{output}")
            Path(site, "zz_shared_venv.pth").write_text(shared + "\n")
            (folder / "ready").write_text("\n".join(wanted) + "\n")
    return folder


def _purelib(python: Path) -> str:
    where = [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    return subprocess.run(where, capture_output=True, text=True, check=True).stdout.strip()


def venv_env(venv: Path, **extra: str) -> dict[str, str]:
    """A project's environment with the shared venv first on PATH (its pytest, ruff and python)."""
    env = project_env(**extra)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(venv)
    return env
