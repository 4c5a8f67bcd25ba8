"""Render every kind with the answer sets of COMBINATIONS and hold each project to the quality gates:
no template leftovers, its own test suite passes, `check --deploy` with production settings,
migrations in sync, ruff clean."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from djstarter.templates import implemented_kinds

from .generated import COMBINATIONS, manage, production_env, project_env, render, run, template_markers

CASES = [(kind, combination) for kind in implemented_kinds() for combination in COMBINATIONS]
IDS = [f"{kind}-{combination}" for kind, combination in CASES]
#: Answer sets every default run covers; the others (each option alone, CI, database) join in the full tier.
CORE = {"defaults", "all-on", "all-off", "tricky-text"}
PARAMS = [
    pytest.param(case, id=case_id, marks=() if case[1] in CORE else pytest.mark.full)
    for case, case_id in zip(CASES, IDS, strict=True)
]
#: Answer sets that change only how a project is deployed, tested in CI or installed (Docker, the CI
#: service, the database server), each with the answer set whose application it shares. The gates that run
#: the application (its suite, `check --deploy`, migrations, django-upgrade) run on the twin only;
#: `test_deployment_only_answer_sets_share_their_twins_application` proves the code is the same, and the
#: PostgreSQL tier runs the PostgreSQL sets' suites on a real server.
TWINS = {"docker": "all-off", "ci-gitlab": "all-off", "postgresql": "defaults", "all-on-postgresql": "all-on"}
#: What a deployment-only answer set may change: files of deployment, CI, documentation and environment.
DEPLOYMENT_FILES = (
    ".copier-answers.yml", ".env", ".env.example", "README.md", "pyproject.toml", ".dockerignore",
    "Dockerfile", "compose.yaml", "docker/", ".github/", ".gitlab-ci.yml", "renovate.json",
)  # fmt: skip
APP_PARAMS = [param for param in PARAMS if param.values[0][1] not in TWINS]


@pytest.fixture(scope="session")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    return {}


def _rendered(key: tuple[str, str], projects: dict[tuple[str, str], Path],
              tmp_path_factory: pytest.TempPathFactory) -> Path:  # fmt: skip
    """One rendered project per (kind, combination), shared by the tests of a worker."""
    if key not in projects:
        projects[key] = render(*key, tmp_path_factory.mktemp("-".join(key)) / "project")
    return projects[key]


@pytest.fixture(params=PARAMS)
def project(request: pytest.FixtureRequest, projects: dict[tuple[str, str], Path],
            tmp_path_factory: pytest.TempPathFactory) -> Path:  # fmt: skip
    return _rendered(request.param, projects, tmp_path_factory)


@pytest.fixture(params=APP_PARAMS)
def app_project(request: pytest.FixtureRequest, projects: dict[tuple[str, str], Path],
                tmp_path_factory: pytest.TempPathFactory) -> Path:  # fmt: skip
    """A project whose application no other answer set shares (the gates that run the application)."""
    return _rendered(request.param, projects, tmp_path_factory)


@pytest.mark.parametrize(
    "case",
    [param for param in PARAMS if param.values[0][1] in TWINS],
)
def test_deployment_only_answer_sets_share_their_twins_application(
    case: tuple[str, str], projects: dict[tuple[str, str], Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    kind, combination = case
    project = _rendered(case, projects, tmp_path_factory)
    twin = _rendered((kind, TWINS[combination]), projects, tmp_path_factory)

    def application(root: Path) -> dict[str, bytes]:
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in root.rglob("*")
            if path.is_file() and not path.relative_to(root).as_posix().startswith(DEPLOYMENT_FILES)
        }

    mine, theirs = application(project), application(twin)
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []
    tools = [tomllib.loads((root / "pyproject.toml").read_text())["tool"] for root in (project, twin)]
    assert tools[0] == tools[1]  # pytest, ruff and coverage settings: only dependencies may differ


def test_no_template_markers_left(project: Path) -> None:
    assert template_markers(project) == []


def test_no_trailing_whitespace_or_blank_line_at_the_end_of_a_file(project: Path) -> None:
    """What ``git diff --check`` refuses (an update's "review" step runs it): a template's ``{% endraw %}``
    on its own last line renders a blank line at the end of the file."""
    problems = []
    for path in project.rglob("*"):
        if not path.is_file() or path.suffix not in {
            ".py",
            ".html",
            ".md",
            ".toml",
            ".yml",
            ".yaml",
            ".txt",
            ".css",
            ".js",
        }:
            continue
        text = path.read_text(encoding="utf-8")
        if text.endswith("\n\n") or any(line != line.rstrip() for line in text.splitlines()):
            problems.append(path.relative_to(project).as_posix())
    assert problems == []


def test_python_toml_and_yaml_files_parse(project: Path) -> None:
    for path in project.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    for path in [*project.rglob("*.yml"), *project.rglob("*.yaml")]:
        yaml.safe_load(path.read_text(encoding="utf-8"))


def test_fresh_secret_key_in_gitignored_env(project: Path) -> None:
    env_text = (project / ".env").read_text()
    key = re.search(r"^SECRET_KEY=(.+)$", env_text, re.MULTILINE)
    assert key and len(key.group(1)) >= 50
    assert key.group(1) not in (project / ".env.example").read_text()
    assert ".env" in (project / ".gitignore").read_text().splitlines()


#: The answer set whose suite runs under coverage, as the generated CI runs it (`pytest --cov`). Coverage's
#: settings are the same in every answer set and its tracer makes a suite up to twice as slow (branch
#: coverage on Python 3.11), so the other sets run without it.
COVERED = "all-on"


@pytest.mark.slow
def test_generated_suite_passes(app_project: Path, request: pytest.FixtureRequest) -> None:
    covered = request.node.callspec.params["app_project"][1] == COVERED
    output = run(
        app_project,
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *(["--cov"] if covered else []),
        # As the generated CI runs it: a deprecation warning fails the suite.
        "-W", "error::DeprecationWarning", "-W", "error::PendingDeprecationWarning",
        env=project_env(DATABASE_URL="sqlite:///:memory:"),
    )  # fmt: skip
    assert re.search(r"\d+ passed", output), output[-2000:]
    if covered:
        assert "TOTAL" in output  # `pytest --cov` (what the generated CI runs) reports coverage


@pytest.mark.slow
def test_check_deploy_with_production_settings(app_project: Path) -> None:
    output = manage(
        app_project, "check", "--deploy", "--fail-level", "WARNING", env=production_env(app_project)
    )
    assert "no issues" in output


@pytest.mark.slow
def test_migrations_are_committed_and_in_sync(app_project: Path) -> None:
    env = project_env(DJANGO_SETTINGS_MODULE="config.settings.test")
    manage(app_project, "makemigrations", "--check", "--dry-run", env=env)
    manage(app_project, "migrate", "--noinput", env=project_env(
        DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=f"sqlite:///{app_project / 'm.sqlite3'}"
    ))  # fmt: skip


@pytest.mark.slow
def test_ruff_clean(project: Path) -> None:
    ruff = str(Path(sys.executable).parent / "ruff")
    run(project, ruff, "check", "--no-cache", ".")
    run(project, ruff, "format", "--check", "--no-cache", ".")


def test_django_upgrade_finds_no_old_idiom(app_project: Path, tmp_path: Path) -> None:
    """django-upgrade for the project's Django version changes nothing (run on a copy: it rewrites)."""
    copy = tmp_path / "copy"
    shutil.copytree(app_project, copy, ignore=shutil.ignore_patterns(".venv", "staticfiles", "media"))
    files = sorted(str(path.relative_to(copy)) for path in copy.rglob("*.py"))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "django-upgrade"), "--target-version", "5.2", *files],
        cwd=copy, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    changed = [name for name in files if (copy / name).read_bytes() != (app_project / name).read_bytes()]
    assert changed == []


POSTGRES_URL = os.environ.get("DJSTARTER_TEST_POSTGRES_URL", "")
PG_CASES = [case for case in CASES if COMBINATIONS[case[1]].get("database") == "postgresql"]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="set DJSTARTER_TEST_POSTGRES_URL (.ci/run starts PostgreSQL)")
@pytest.mark.parametrize("case", PG_CASES, ids=[f"{kind}-{combination}" for kind, combination in PG_CASES])
def test_postgresql_projects_migrate_and_pass_on_a_real_server(case: tuple[str, str], tmp_path: Path) -> None:
    project = render(*case, tmp_path / "project")
    database = f"{POSTGRES_URL.rsplit('/', 1)[0]}/djs_{'_'.join(case).replace('-', '_')}"
    env = project_env(DATABASE_URL=database)
    output = run(
        project, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db", env=env
    )
    assert re.search(r"\d+ passed", output)
    assert "postgresql" in manage(
        project,
        "shell",
        "-c",
        "from django.db import connection; print(connection.vendor)",
        env=project_env(DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=database),
    )
