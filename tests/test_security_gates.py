"""Security gates every generated project must pass, checked from the outside, and update safety.

- no secret is hard-coded in the templates or in a generated project (only clearly labelled
  test/CI/build-only placeholders); the local ``.env`` secret is fresh per generation and git-ignored;
- production settings refuse to start without SECRET_KEY / ALLOWED_HOSTS / DATABASE_URL / SITE_DOMAIN;
- bandit and ruff's ``S`` rules are clean on the generated code, with no blanket ignores;
- ``copier update`` never deletes or overwrites a file the user added, and a conflict keeps both texts.

(Headers, secure cookies, login rate limits and upload validation are tested by each generated project's
own suite, which tests/test_generation.py runs for every combination.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from djstarter import store, templates
from djstarter.generate import generate
from djstarter.templates import implemented_kinds

from .generated import manage, production_env, project_env, render, run
from .helpers import BASE_ANSWERS, LOCAL_SETTINGS_TEMPLATE

BIN = Path(sys.executable).parent
COPIER = str(BIN / "copier")

#: Projects scanned: every kind with everything on (Docker, CI, Celery, allauth, DRF) and off, plus GitLab CI.
SCAN_CASES = [
    f"{kind}/{combination}" for kind in implemented_kinds() for combination in ("all-on", "all-off")
]
SCAN_CASES.append("blog/ci-gitlab")


class _Projects(dict[str, Path]):
    """Projects rendered on first use, once per test module (and xdist worker)."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, case: str) -> Path:
        kind, combination = case.split("/")
        self[case] = render(kind, combination, self.factory.mktemp(f"{kind}-{combination}") / "project")
        return self[case]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _Projects(tmp_path_factory)


# --- no hard-coded secrets ----------------------------------------------------------------------------

#: A literal assigned to SECRET_KEY in Python, YAML, .env or a shell line.
_SECRET_KEY = re.compile(r"""(?<![{$])\bSECRET_KEY\b["']?\s*[:=]\s*["']?(?P<value>[^\s"'$]+)""")
#: Literal values of password/token/API-key settings.
_CREDENTIAL = re.compile(
    r"""(?i)(?<![{\w-])[\w-]*(password|passwd|api_key|apikey|access_key|auth_token|private_key)\b["']?\s*[:=]\s*"""
    r"""["']?(?P<value>[^\s"'$,)}\]]+)"""
)
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_CLOUD_KEYS = re.compile(
    r"\b(AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}|xox[bp]-[A-Za-z0-9-]{10,}|sk_live_\w{10,})\b"
)
#: Placeholders that say what they are (never used outside tests, CI or a build step).
_LABELLED_PLACEHOLDER = re.compile(r"\b(test|ci|collectstatic)-only\b")
#: Values that are not literals: reading the environment, computed, or empty.
_NOT_A_LITERAL = re.compile(r"^(env[.(]|_required\(|os\.environ|getenv|\{|\$|settings\.|None$|$)")
#: An unquoted call or subscript (``password = forms.CharField(``, ``= self.cleaned_data["password"]``):
#: Python code, not a value.
_CODE = re.compile(r"^[A-Za-z_][\w.]*[(\[]")
#: The well-known local-development database password of PostgreSQL containers (compose, CI services).
_DEV_DB_PASSWORDS = {"postgres"}


def _text_files(root: Path) -> list[Path]:
    skip_parts = {".git", "node_modules", "__pycache__", "static"}
    return [
        path
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not skip_parts & set(path.relative_to(root).parts)
        and path.suffix not in {".png", ".jpg", ".ico", ".sqlite3", ".svg", ".css"}
        and path.name != ".env"  # the local, git-ignored file with the generated key (checked below)
    ]


def secrets_in(root: Path) -> list[str]:
    """Hard-coded secrets below ``root``, as ``file:line: text``."""
    found = []
    for path in _text_files(root):
        relative = path.relative_to(root)
        is_test = "tests" in relative.parts or path.name.startswith(("test_", "conftest"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            problems = []
            if _PRIVATE_KEY.search(line) or _CLOUD_KEYS.search(line):
                problems.append("private or cloud key")
            for match in _SECRET_KEY.finditer(line):
                value = match["value"]
                if not (_NOT_A_LITERAL.match(value) or _LABELLED_PLACEHOLDER.search(value)):
                    problems.append("SECRET_KEY literal")
            if not is_test and "templates" not in relative.parts:  # tests use factory passwords
                for match in _CREDENTIAL.finditer(line):
                    value = match["value"]
                    code = line[match.start("value") - 1] not in "\"'" and _CODE.match(value)
                    if not (_NOT_A_LITERAL.match(value) or value in _DEV_DB_PASSWORDS or code):
                        problems.append("credential literal")
            found += [f"{relative}:{number}: {problem}: {line.strip()}" for problem in problems]
    return found


def test_the_scanner_finds_what_it_looks_for(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        'SECRET_KEY = "django-insecure-abc123"\nEMAIL_HOST_PASSWORD = "hunter22"\nOK = env("SECRET_KEY")\n'
    )
    (tmp_path / "ci.yml").write_text("env:\n  SECRET_KEY: realvalue123456\n  API_KEY: abcdef\n")
    (tmp_path / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    (tmp_path / "ok.yml").write_text("SECRET_KEY: ${SECRET_KEY}\nSECRET_KEY: ci-only-key-not-real\n")
    (tmp_path / "forms.py").write_text(
        'password = forms.CharField(\n    password = self.cleaned_data["password"]\nAPI_KEY = "call(me)"\n'
    )
    found = secrets_in(tmp_path)
    assert len(found) == 6, found
    in_code = [line for line in found if "forms.py" in line]
    assert in_code == ['forms.py:3: credential literal: API_KEY = "call(me)"']


def test_templates_hard_code_no_secret() -> None:
    assert secrets_in(templates.source_dir()) == []


@pytest.mark.parametrize("case", SCAN_CASES)
def test_generated_projects_hard_code_no_secret(projects: dict[str, Path], case: str) -> None:
    project = projects[case]
    assert secrets_in(project) == []
    test_settings = (project / "config" / "settings" / "test.py").read_text()
    assert 'SECRET_KEY = "test-only-secret-key-not-used-anywhere-else"' in test_settings
    assert re.search(r"^SECRET_KEY=$", (project / ".env.example").read_text(), re.MULTILINE)


def _dotenv_key(project: Path) -> str:
    match = re.search(r"^SECRET_KEY=(\S{50,})$", (project / ".env").read_text(), re.MULTILINE)
    assert match, "the local .env has no generated SECRET_KEY"
    return match.group(1)


def test_each_generation_writes_its_own_gitignored_secret(tmp_path: Path, answers: dict[str, Any]) -> None:
    first = generate(answers, tmp_path / "first")
    second = generate(answers, tmp_path / "second")
    assert _dotenv_key(first) != _dotenv_key(second)
    for project in (first, second):
        ignored = subprocess.run(["git", "check-ignore", ".env"], cwd=project, capture_output=True, text=True)
        assert ignored.returncode == 0 and ignored.stdout.strip() == ".env"
        tracked = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True)
        assert ".env" not in tracked.stdout.splitlines()
        assert ".env.example" in tracked.stdout.splitlines()
        history = subprocess.run(
            ["git", "log", "-p", "--all"], cwd=project, capture_output=True, text=True, check=True
        )
        assert _dotenv_key(project) not in history.stdout


# --- production refuses to start without its required variables --------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_DOMAIN"])
@pytest.mark.parametrize("how", ["missing", "empty"])
def test_production_refuses_to_start_without_a_required_variable(
    projects: dict[str, Path], name: str, how: str
) -> None:
    project = projects["blog/all-off"]
    env = production_env(project)
    if how == "missing":
        del env[name]
    else:
        env[name] = " , " if name == "ALLOWED_HOSTS" else ""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {name} environment variable" in result.stderr


@pytest.mark.slow
def test_production_starts_with_every_required_variable(projects: dict[str, Path]) -> None:
    project = projects["blog/all-on"]
    assert "no issues" in manage(project, "check", "--deploy", "--fail-level", "WARNING",
                                 env=production_env(project))  # fmt: skip


# --- static analysis: bandit and ruff's S rules ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("case", SCAN_CASES)
def test_bandit_finds_nothing_in_the_generated_code(projects: dict[str, Path], case: str) -> None:
    project = projects[case]
    slug = BASE_ANSWERS["project_slug"]
    run(
        project,
        str(BIN / "bandit"), "-q", "-r", slug, "config", "manage.py",
        # tests use assert and fixed test passwords; the test settings' key says it is test-only
        "-x", "*/tests/*,*/settings/test.py",
        env=project_env(),
    )  # fmt: skip


@pytest.mark.parametrize("case", SCAN_CASES)
def test_ruff_security_rules_are_on_and_not_blanket_ignored(projects: dict[str, Path], case: str) -> None:
    project = projects[case]
    lint = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "S" in lint["select"]
    assert not [rule for rule in lint.get("ignore", []) if rule.startswith("S")]
    for pattern, rules in lint.get("per-file-ignores", {}).items():
        assert "tests" in pattern or "conftest" in pattern, pattern
        assert set(rules) <= {"S101", "S105", "S106"}, (pattern, rules)  # assert, test passwords
    noqa = re.compile(r"#\s*noqa(?!:)|#\s*nosec(?!\s+B\d)|#\s*noqa:\s*S\d+")
    explained = {
        "config/settings/test.py": "S105",  # the test-only key
        "core/tests/production.py": "S603",  # subprocess with fixed arguments
        "docker/healthcheck.py": "S310",  # urlopen of a fixed http://127.0.0.1 URL
    }
    for path in project.rglob("*.py"):
        relative = path.relative_to(project).as_posix()
        for line in path.read_text(encoding="utf-8").splitlines():
            if noqa.search(line):
                allowed = [code for suffix, code in explained.items() if relative.endswith(suffix)]
                assert allowed and allowed[0] in line, f"{relative}: {line.strip()}"


# --- update safety ----------------------------------------------------------------------------------------


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A private copy of the templates that a test may change (the store picks it up as a new version)."""
    return Path(shutil.copytree(templates.source_dir(), tmp_path / "templates"))


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout


def copier_update(project: Path) -> None:
    result = subprocess.run([COPIER, "update", "--defaults"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_update_never_deletes_or_overwrites_files_the_user_added(
    tmp_path: Path, answers: dict[str, Any], source: Path
) -> None:
    project = generate(answers, tmp_path / "project", release=store.ensure(source, version="1.0.0"))
    slug = answers["project_slug"]
    user_files = {
        "docs/decisions.md": "# Our decisions\n\nWe chose PostgreSQL.\n",
        f"{slug}/payments/__init__.py": "",
        f"{slug}/payments/gateway.py": 'GATEWAY = "ours"\n',
        "scripts/deploy.sh": "#!/bin/sh\necho deploy\n",
    }
    for relative, text in user_files.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_text(text)
    models = project / slug / "users" / "models.py"
    models.write_text(models.read_text() + "\n\n# The user's own note.\n")
    git(project, "add", "--all")
    git(project, "commit", "-qm", "The user's work")

    # A newer djstarter changes, adds and removes template files elsewhere.
    local = source / LOCAL_SETTINGS_TEMPLATE
    local.write_text(local.read_text() + '\nTEMPLATE_CHANGE = "arrived"\n')
    (source / "_base" / "CHANGES.md").write_text("New in 1.1.0\n")
    (source / "_base" / "{{ project_slug }}" / "core" / "tests" / "test_healthz.py").unlink()
    store.ensure(source, version="1.1.0")
    copier_update(project)

    for relative, text in user_files.items():
        assert (project / relative).read_text() == text, relative
    assert "# The user's own note." in models.read_text()
    assert 'TEMPLATE_CHANGE = "arrived"' in (project / "config" / "settings" / "local.py").read_text()
    assert (project / "CHANGES.md").read_text() == "New in 1.1.0\n"
    assert not (project / slug / "core" / "tests" / "test_healthz.py").exists()  # untouched: removed
    changed = {
        line[3:] for line in git(project, "status", "--porcelain", "--untracked-files=all").splitlines()
    }
    assert not changed & set(user_files)


@pytest.mark.slow
def test_update_conflicts_keep_both_versions(tmp_path: Path, answers: dict[str, Any], source: Path) -> None:
    project = generate(answers, tmp_path / "project", release=store.ensure(source, version="1.0.0"))
    slug = answers["project_slug"]
    # The user edits a generated line and adds a file at a path a later template version also uses.
    views = project / slug / "core" / "views.py"
    original = views.read_text()
    first_line = original.splitlines()[0]
    views.write_text(original.replace(first_line, '"""Core views, as the user rewrote them."""', 1))
    (project / "NOTES.md").write_text("The user's notes.\n")
    git(project, "add", "--all")
    git(project, "commit", "-qm", "The user's edits")

    template_views = source / "_base" / "{{ project_slug }}" / "core" / "views.py"
    template_views.write_text(
        template_views.read_text().replace(first_line, '"""Core views, as the template rewrote them."""', 1)
    )
    (source / "_base" / "NOTES.md").write_text("The template's notes.\n")
    store.ensure(source, version="1.1.0")
    copier_update(project)

    for path, mine, theirs in [
        (views, "as the user rewrote them", "as the template rewrote them"),
        (project / "NOTES.md", "The user's notes.", "The template's notes."),
    ]:
        text = path.read_text()
        assert "<<<<<<<" in text and "=======" in text and ">>>>>>>" in text, path
        assert mine in text and theirs in text, path
