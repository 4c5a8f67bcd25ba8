"""The Django 6.1 tier: one project of every kind on Django 6.1, run in ONE shared Python 3.12+ venv
(tests/django61.py): its own suite with deprecation warnings as errors (as its CI runs it), `check --deploy`,
migrations in sync, ruff. Marked `full` and `django61` and kept on one xdist worker (`--dist loadgroup`), so
the default run stays fast and the venv is built once.

The kinds run different answer sets, a pairwise sample (``SAMPLE_61``), so each option runs on 6.1 both on
and off in five runs instead of one everything-on run per kind:

    kind        use_drf  use_celery  use_allauth  use_docker  ci      database
    ecommerce   on       on          on           on          github  postgresql
    todo_api    on       off         off          off         gitlab  postgresql
    saas        off      on          on           off         none    postgresql
    blog        off      off         off          on          github  postgresql
    social      on       on          off          on          none    postgresql

With DJSTARTER_TEST_POSTGRES_URL set (CI sets it) every kind's suite runs on PostgreSQL, in a database of
its own that the test drops after (named from DJSTARTER_TEST_DB_PREFIX, default ``djs61_``); without it, on
SQLite. SQLite on 6.1 is the update test's project (a 5.2 blog moved to 6.1).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from djstarter.generate import generate
from djstarter.templates import implemented_kinds

from .django61 import (
    SAMPLE_61,
    STRICT_WARNINGS,
    answers_61,
    overlay,
    require_python,
    requirements,
    shared_venv,
    venv_env,
)
from .generated import production_env, run
from .helpers import BASE_ANSWERS

pytestmark = [pytest.mark.full, pytest.mark.django61, pytest.mark.xdist_group("django61")]
POSTGRES_URL = os.environ.get("DJSTARTER_TEST_POSTGRES_URL", "")
DB_PREFIX = os.environ.get("DJSTARTER_TEST_DB_PREFIX", "djs61_")


def render61(kind: str, dest: Path) -> Path:
    answers = {**BASE_ANSWERS, **answers_61(kind), "project_kind": kind, "project_slug": f"new_{kind}"}
    return generate(answers, dest, git=False)


@contextlib.contextmanager
def suite_database(kind: str) -> Iterator[str]:
    """The DATABASE_URL for a kind's suite: a PostgreSQL database of this test's own, dropped after (with
    pytest-django's ``test_`` copy, should the suite have died before dropping it); else SQLite."""
    if not POSTGRES_URL:
        yield "sqlite:///:memory:"
        return
    import psycopg

    name = f"{DB_PREFIX}{kind}_{os.getpid()}"
    try:
        yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            for database in (name, f"test_{name}"):
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_the_sample_runs_every_option_on_61_both_ways() -> None:
    assert set(SAMPLE_61) == set(implemented_kinds())
    rows = [answers_61(kind) for kind in SAMPLE_61]
    for option in ("use_drf", "use_celery", "use_allauth", "use_docker"):
        assert {row[option] for row in rows} == {True, False}, option
    assert {row["ci"] for row in rows} == {"github", "gitlab", "none"}
    assert {row["database"] for row in rows} == {"postgresql"}  # SQLite on 6.1: the update test
    assert SAMPLE_61["todo_api"]["use_drf"]  # the API kind always has DRF


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
    with suite_database(kind) as database:
        output = run(
            project, python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db", *STRICT_WARNINGS,
            env=venv_env(venv61, DATABASE_URL=database),
        )  # fmt: skip
    assert re.search(r"\d+ passed", output), output[-2000:]
    assert not re.search(r"\d+ (failed|error)", output), output[-2000:]
    assert database.startswith("sqlite") != bool(POSTGRES_URL)
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
    run(project, sys.executable, "-m", "django_upgrade", "--target-version", "6.1", "--check", *files)


@pytest.mark.slow
def test_a_52_project_passes_its_suite_on_the_highest_python_its_ci_claims(
    tmp_path: Path, projects61: dict[str, Path], venv61: Path
) -> None:
    # Django 5.2 under Python 3.13: the generated CI's highest Python for a 5.2 project. The 6.1 tier's venv
    # with the 5.2 project's own pins that differ (Django 5.2, django-csp, the debug toolbar) over it.
    answers = {**BASE_ANSWERS, "project_kind": "todo_api", "use_drf": True, "project_slug": "lts_api"}
    project = generate(answers, tmp_path / "project", git=False)
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    python = str(venv61 / "bin" / "python")
    version = run(project, python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])").strip()
    if f'"{version}"' not in workflow or version != "3.13":
        pytest.skip(f"the shared venv's Python is {version}; the 5.2 projects' CI claims 3.13")
    own = requirements([project])
    pins = [item for item in own if item not in requirements(list(projects61.values()))]
    assert any(item.startswith("Django>=5.2,<5.3") for item in pins), pins
    lts = overlay(venv61, pins)
    python, env = str(lts / "bin" / "python"), venv_env(lts, DATABASE_URL="sqlite:///:memory:")
    assert run(project, python, "-c", "import django; print(django.get_version())", env=env).startswith("5.2")
    output = run(project, python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *STRICT_WARNINGS, env=env)
    assert re.search(r"\d+ passed", output), output[-2000:]
    assert not re.search(r"\d+ (failed|error)", output), output[-2000:]


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
    tagline = project / "old_blog" / "blog" / "tagline.py"
    tagline.write_text(
        '"""The site\'s tagline, for templates and emails."""\n\nfrom django.conf import settings\n'
        "from django.core.mail import send_mail\n\n\n"
        "def tagline() -> str:\n    return settings.SITE_TAGLINE\n\n\n"
        "def send_tagline(address: str) -> int:\n"
        '    return send_mail("Our tagline", tagline(), None, [address], fail_silently=False)\n'
    )
    git("add", "-A")
    git("commit", "-qm", "Our tagline")
    capsys.readouterr()

    started = time.perf_counter()
    assert main(["update", str(project), "--data", "django_version=6.1", "--django-upgrade"]) == 0
    elapsed = time.perf_counter() - started
    out = capsys.readouterr().out
    print(f"\nThe 5.2 -> 6.1 update (with --django-upgrade) took {elapsed:.1f} s\n{out}")
    assert "Check your own code for:" in out and "mailers.default" in out and "action_location" in out
    steps = out.split("Next, in this order:")[1]
    assert "-m venv --clear .venv" in steps and "pip install -e . --group dev" in steps
    assert "django-upgrade --target-version 6.1 $(git ls-files '*.py')   # done by --django-upgrade" in steps
    assert "pytest -W error::DeprecationWarning -W error::PendingDeprecationWarning" in steps
    assert "Conflicts to resolve" not in out
    # django-upgrade rewrote the owner's 6.1 idiom (fail_silently=False is the default) and nothing else.
    assert "django-upgrade --target-version 6.1 rewrote 1 file(s):\n  old_blog/blog/tagline.py" in out
    assert 'send_mail("Our tagline", tagline(), None, [address])\n' in tagline.read_text()
    assert not list(project.rglob("*.djstarter-upgrade"))

    # The printed steps, in order: the venv with the new dependencies is the shared one (venv61).
    git("add", "-A")
    assert git("diff", "--cached", "--check") == ""
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


def test_django_upgrade_rewrites_all_or_nothing_and_says_why_it_stopped(tmp_path: Path) -> None:
    import subprocess

    from djstarter.django_versions import run_django_upgrade
    from djstarter.errors import DjstarterError

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    old = 'from django.core.mail import send_mail\n\nsend_mail("s", "m", None, ["a"], fail_silently=False)\n'
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "mail.py").write_text(old)
    (tmp_path / "app" / "broken.py").write_text("def half(:\n")
    (tmp_path / ".gitignore").write_text(".venv/\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "vendored.py").write_text(old)  # ignored by git: never the project's own

    with pytest.raises(DjstarterError) as stopped:
        run_django_upgrade(tmp_path, "6.1")
    message = stopped.value.message
    assert "rewrote none of your files" in message and "app/broken.py" in message
    assert "The update itself is applied" in message and "django-upgrade --target-version 6.1" in message
    assert (tmp_path / "app" / "mail.py").read_text() == old  # nothing half-written

    (tmp_path / "app" / "broken.py").write_text("def whole() -> None:\n    pass\n")
    assert run_django_upgrade(tmp_path, "6.1") == ["app/mail.py"]
    assert (tmp_path / "app" / "mail.py").read_text().endswith('send_mail("s", "m", None, ["a"])\n')
    assert (tmp_path / ".venv" / "vendored.py").read_text() == old
    assert sorted(p.name for p in (tmp_path / "app").iterdir()) == ["broken.py", "mail.py"]
