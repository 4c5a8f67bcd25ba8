"""The Django 6.1 tier: every kind's everything-on project on Django 6.1, run in ONE shared Python 3.12+
venv (tests/django61.py): its own suite with deprecation warnings as errors (as its CI runs it),
`check --deploy`, migrations in sync, ruff; PostgreSQL for the shop. Marked `full` and `django61` and kept
on one xdist worker (`--dist loadgroup`), so the default run stays fast and the venv is built once."""

from __future__ import annotations

import os
import re
import sys
import time
import tomllib
from pathlib import Path

import pytest

from djstarter.generate import generate
from djstarter.templates import implemented_kinds

from .django61 import (
    ANSWERS_61,
    POSTGRES_KIND,
    STRICT_WARNINGS,
    require_python,
    requirements,
    shared_venv,
    venv_env,
)
from .generated import production_env, run
from .helpers import BASE_ANSWERS

pytestmark = [pytest.mark.full, pytest.mark.django61, pytest.mark.xdist_group("django61")]
POSTGRES_URL = os.environ.get("DJSTARTER_TEST_POSTGRES_URL", "")


def render61(kind: str, dest: Path) -> Path:
    answers = {**BASE_ANSWERS, **ANSWERS_61, "project_kind": kind, "project_slug": f"new_{kind}"}
    if kind == POSTGRES_KIND and POSTGRES_URL:
        answers["database"] = "postgresql"
    return generate(answers, dest, git=False)


@pytest.fixture(scope="session")
def projects61(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("django61")
    return {kind: render61(kind, base / kind) for kind in implemented_kinds()}


@pytest.fixture(scope="session")
def venv61(projects61: dict[str, Path]) -> Path:
    python = require_python()
    started = time.perf_counter()
    venv = shared_venv(python, requirements(list(projects61.values())))
    print(f"\nDjango 6.1 venv ready in {time.perf_counter() - started:.0f} s: {venv}")
    return venv


def test_projects_on_61_pin_django_61_and_python_312(projects61: dict[str, Path]) -> None:
    for kind, project in projects61.items():
        config = tomllib.loads((project / "pyproject.toml").read_text())
        assert "Django>=6.1,<6.2" in config["project"]["dependencies"], kind
        assert config["project"]["requires-python"] == ">=3.12", kind
        assert not any(item.startswith("django-csp") for item in config["project"]["dependencies"]), kind
        settings = (project / "config" / "settings" / "base.py").read_text()
        assert (
            "SECURE_CSP = {" in settings and "MAILERS = {" in settings and "EMAIL_BACKEND =" not in settings
        )


@pytest.mark.slow
@pytest.mark.parametrize("kind", implemented_kinds())
def test_every_kind_passes_its_suite_check_deploy_and_migrations_on_61(
    kind: str, projects61: dict[str, Path], venv61: Path
) -> None:
    project = projects61[kind]
    python = str(venv61 / "bin" / "python")
    assert run(
        project, python, "-c", "import django; print(django.get_version())", env=venv_env(venv61)
    ).startswith("6.1")
    database = "sqlite:///:memory:"
    if kind == POSTGRES_KIND and POSTGRES_URL:
        database = f"{POSTGRES_URL.rsplit('/', 1)[0]}/djs61_{kind}"
    output = run(
        project, python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db", *STRICT_WARNINGS,
        env=venv_env(venv61, DATABASE_URL=database),
    )  # fmt: skip
    assert re.search(r"\d+ passed", output), output[-2000:]
    deploy = run(
        project, python, *STRICT_WARNINGS, "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        env={**production_env(project), "PATH": venv_env(venv61)["PATH"]},
    )  # fmt: skip
    assert "no issues" in deploy
    run(project, python, "manage.py", "makemigrations", "--check", "--dry-run",
        env=venv_env(venv61, DJANGO_SETTINGS_MODULE="config.settings.test"))  # fmt: skip
    ruff = str(venv61 / "bin" / "ruff")
    run(project, ruff, "check", "--no-cache", ".", env=venv_env(venv61))
    run(project, ruff, "format", "--check", "--no-cache", ".", env=venv_env(venv61))

    # django-upgrade for 6.1 finds no old idiom (exit 0: it rewrote nothing; `--check` leaves files alone).
    files = sorted(str(path.relative_to(project)) for path in project.rglob("*.py"))
    run(
        project,
        str(Path(sys.executable).parent / "django-upgrade"),
        "--target-version",
        "6.1",
        "--check",
        *files,
    )


@pytest.mark.slow
def test_a_52_project_with_user_edits_updates_to_61_and_passes_after_the_printed_steps(
    tmp_path: Path, venv61: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    from djstarter.cli import main

    # Options within the shared venv's dependency set (the everything-on projects').
    answers = {
        **BASE_ANSWERS,
        "project_kind": "blog",
        "use_celery": True,
        "use_allauth": True,
        "project_slug": "old_blog",
    }
    project = generate(answers, tmp_path / "project")  # Django 5.2, committed

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout

    # The owner's edits: a setting of their own, and their own email code in the Django 5.2 idiom.
    settings = project / "config" / "settings" / "base.py"
    settings.write_text(settings.read_text() + '\nSITE_TAGLINE = "Notes from the workshop"\n')
    (project / "old_blog" / "blog" / "tagline.py").write_text(
        '"""The site\'s tagline, for templates and emails."""\n\nfrom django.conf import settings\n\n\n'
        "def tagline() -> str:\n    return settings.SITE_TAGLINE\n"
    )
    git("add", "-A")
    git("commit", "-qm", "Our tagline")
    capsys.readouterr()

    started = time.perf_counter()
    assert main(["update", str(project), "--data", "django_version=6.1"]) == 0
    elapsed = time.perf_counter() - started
    out = capsys.readouterr().out
    print(f"\nThe 5.2 -> 6.1 update took {elapsed:.1f} s")
    assert "Check your own code for:" in out and "mailers.default" in out and "action_location" in out
    steps = out.split("Next, in this order:")[1]
    assert "-m venv --clear .venv" in steps and "pip install -e . --group dev" in steps
    assert "django-upgrade --target-version 6.1 $(git ls-files '*.py')" in steps
    assert "pytest -W error::DeprecationWarning -W error::PendingDeprecationWarning" in steps
    assert "Conflicts to resolve" not in out

    # The printed steps, in order: the venv with the new dependencies is the shared one (venv61).
    git("add", "-A")
    assert git("diff", "--cached", "--check") == ""
    files = git("ls-files", "*.py").split()
    upgrade = subprocess.run(
        [str(Path(sys.executable).parent / "django-upgrade"), "--target-version", "6.1", *files],
        cwd=project, capture_output=True, text=True,
    )  # fmt: skip
    assert upgrade.returncode in (0, 1), upgrade.stderr  # 1: it rewrote files
    assert 'SITE_TAGLINE = "Notes from the workshop"' in settings.read_text()
    base = settings.read_text()
    assert "MAILERS = {" in base and "SECURE_CSP = {" in base and "EMAIL_BACKEND =" not in base
    assert '"Django>=6.1,<6.2"' in (project / "pyproject.toml").read_text()
    python = str(venv61 / "bin" / "python")
    output = run(
        project, python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *STRICT_WARNINGS,
        env=venv_env(venv61, DATABASE_URL="sqlite:///:memory:"),
    )  # fmt: skip
    assert re.search(r"\d+ passed", output), output[-2000:]
