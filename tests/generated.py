"""Rendering projects for tests, and running commands inside them the way their README says."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from djstarter.generate import generate

from .helpers import BASE_ANSWERS

BIN = Path(sys.executable).parent
OPTIONS_OFF = {"use_drf": False, "use_celery": False, "use_allauth": False, "use_docker": False, "ci": "none"}
OPTIONS_ON = {"use_drf": True, "use_celery": True, "use_allauth": True, "use_docker": True, "ci": "github"}

#: Answer sets every kind is rendered with: defaults, everything on/off, each option alone, both databases.
#: GitHub CI alone is the defaults (ci's default is github), so it has no entry of its own.
COMBINATIONS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "all-on": OPTIONS_ON,
    "all-off": OPTIONS_OFF,
    "drf": {**OPTIONS_OFF, "use_drf": True},
    "celery": {**OPTIONS_OFF, "use_celery": True},
    "allauth": {**OPTIONS_OFF, "use_allauth": True},
    "docker": {**OPTIONS_OFF, "use_docker": True},
    "ci-gitlab": {**OPTIONS_OFF, "ci": "gitlab"},
    "postgresql": {"database": "postgresql"},
    "all-on-postgresql": {**OPTIONS_ON, "ci": "gitlab", "database": "postgresql"},
    "tricky-text": {
        "project_name": 'L\'Été "Café" & {{ name }} {% block %} \\o/',
        "project_slug": "ete_cafe_and_the_longest_slug_allowed_40",  # 40 characters: the longest allowed
        "description": "Quotes ' \" , ampersands &, braces {{ x }}, tags {% if %} and accents: àéîõü — ok",
        "author_name": 'Zoë O\'Brien-"Ñandú" {{ a }}',
        "use_drf": True,
        "use_allauth": True,
    },
}

#: Jinja leftovers: a rendered file never contains these (Django templates use plain {% %}).
_MARKERS = re.compile(
    r"\{%-|-%\}|\{\{-|-\}\}|\{%\s*(raw|endraw)\b|\b(project_slug|project_kind|use_drf|use_celery|use_allauth|"
    r"use_docker|_copier_conf|_copier_answers)\b\s*(\}\}|%\}|\||==|!=)"
)


def render(kind: str, combination: str, dest: Path) -> Path:
    answers = {**BASE_ANSWERS, "project_kind": kind, **COMBINATIONS[combination]}
    if kind == "todo_api":
        answers["use_drf"] = True  # the to-do API always has DRF
    return generate(answers, dest, git=False)


def template_markers(project: Path) -> list[str]:
    found = []
    for path in project.rglob("*"):
        relative = path.relative_to(project)
        if "{{" in str(relative) or "{%" in str(relative) or path.suffix == ".jinja":
            found.append(f"{relative}: unrendered name")
        # Vendored files (static/vendor/) are third-party builds copied verbatim: minified code may hold
        # anything, and Copier copies them without rendering (no .jinja suffix).
        vendored = "static/vendor/" in relative.as_posix()
        if path.is_file() and not vendored and path.suffix not in {".png", ".jpg", ".ico", ".sqlite3"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _MARKERS.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
    return found


def project_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PYTEST_", "COV_")) and key not in {"SECRET_KEY"}
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def production_env(project: Path, **extra: str) -> dict[str, str]:
    """Production settings with every required variable set (``extra`` overrides or adds)."""
    env = project_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_READ_DOT_ENV_FILE="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        SITE_DOMAIN="example.com",
        DATABASE_URL=f"sqlite:///{project / 'prod.sqlite3'}",
    )
    env.update(extra)
    return env


def run(project: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    """Run a command in the project; fail with its output when it fails."""
    result = subprocess.run(
        args,
        cwd=project,
        env=env or project_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {result.returncode} in {project}:\n{output[-6000:]}")
    return output


def manage(project: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return run(project, sys.executable, "manage.py", *args, env=env)
