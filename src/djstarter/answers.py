"""The questions (read from the one ``copier.yml``), answers files, and validation.

Validation reports every problem at once, each naming the key and what is allowed.
"""

from __future__ import annotations

import difflib
import importlib.util
import keyword
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from djstarter import templates
from djstarter.errors import AnswersError, UsageError

#: All five kinds of the roadmap, in the order of growing complexity.
ALL_KINDS = ("blog", "todo_api", "ecommerce", "social", "saas")
#: Stack options asked as one checkbox (``ci`` is a choice; its checkbox entry means "not none").
STACK_OPTIONS = ("use_drf", "use_celery", "use_allauth", "use_docker")
#: Names a project package must not take: they would shadow the project's own packages or tools.
RESERVED_SLUGS = frozenset(
    {"config", "manage", "test", "tests", "site", "static", "media", "templates", "django", "users", "core"}
)
#: The top-level modules of every dependency a generated project may have (every kind, every option;
#: their ``pyproject.toml`` dependencies and dependency groups), by distribution. A project package of
#: the same name would shadow the dependency (``import celery`` would import the project), so such
#: slugs are refused. tests/test_answers.py renders every kind with every option and checks this table
#: against the installed distributions' own top-level modules, so it cannot drift.
DEPENDENCY_MODULES: dict[str, tuple[str, ...]] = {
    "argon2-cffi": ("argon2",),
    "babel": ("babel",),
    "celery": ("celery",),
    "channels": ("channels",),
    "channels-redis": ("channels_redis",),
    "daphne": ("daphne", "twisted"),
    "django": ("django",),
    "django-allauth": ("allauth",),
    "django-csp": ("csp",),
    "django-debug-toolbar": ("debug_toolbar",),
    "django-environ": ("environ",),
    "django-filter": ("django_filters",),
    "django-htmx": ("django_htmx",),
    "django-permissions-policy": ("django_permissions_policy",),
    "djangorestframework": ("rest_framework",),
    "django-hijack": ("hijack",),
    "drf-spectacular": ("drf_spectacular",),
    "factory-boy": ("factory",),
    "fido2": ("fido2",),
    "gunicorn": ("gunicorn",),
    "pillow": ("PIL",),
    "pre-commit": ("pre_commit",),
    "psycopg": ("psycopg",),
    "pytest": ("_pytest", "py", "pytest"),
    "pytest-cov": ("pytest_cov",),
    "pytest-django": ("pytest_django",),
    "qrcode": ("qrcode",),
    "redis": ("redis",),
    "ruff": ("ruff",),
    "sentry-sdk": ("sentry_sdk",),
    "stripe": ("stripe",),
    "whitenoise": ("whitenoise",),
}
_DEPENDENCY_OF = {module: dist for dist, modules in DEPENDENCY_MODULES.items() for module in modules}
NAME_MAX = 80
SLUG_MAX = 40
TEXT_MAX = 200
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    help: str
    default: Any
    choices: tuple[tuple[str, str], ...] = field(default=())  # (label, value)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for _label, value in self.choices)

    def label(self, value: str) -> str:
        return next((label for label, v in self.choices if v == value), value)


@cache
def questions() -> dict[str, Question]:
    """The questions of ``copier.yml``, in order (settings keys starting with ``_`` skipped)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when there: 20 times faster
    raw = yaml.load((templates.source_dir() / "copier.yml").read_text(encoding="utf-8"), Loader=loader)
    result: dict[str, Question] = {}
    for key, spec in raw.items():
        if key.startswith("_"):
            continue
        choices = tuple((str(label), str(value)) for label, value in (spec.get("choices") or {}).items())
        result[key] = Question(
            key, spec.get("type", "str"), spec.get("help", key), spec.get("default"), choices
        )
    return result


def slugify(name: str) -> str:
    """The default slug for a project name, as ``copier.yml``'s default computes it."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower())
    slug = re.sub(r"^[_0-9]+|_+$", "", slug)
    return slug[:SLUG_MAX].rstrip("_") or "mysite"


def defaults(known: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Default answers; derived ones (slug, ``use_drf`` for todo_api) follow ``known`` answers."""
    known = dict(known or {})
    result: dict[str, Any] = {}
    for key, question in questions().items():
        default = question.default
        if isinstance(default, str) and "{{" in default:
            default = None  # computed below
        result[key] = default
    result["project_slug"] = slugify(str(known.get("project_name", result["project_name"])))
    result["use_drf"] = known.get("project_kind", result["project_kind"]) == "todo_api"
    return result


def slug_problem(slug: str, *, existing: bool = False) -> str | None:
    """Why ``slug`` cannot be a project package name, or None when it can.

    ``existing``: the slug of a project that already exists, whose own package is importable (from its
    folder, or installed in the venv) and so is not checked against installed packages.
    """
    if not slug:
        return "project_slug: must not be empty."
    if not re.fullmatch(r"[a-z][a-z0-9_]*", slug):
        return (
            f"project_slug: {slug!r} is not a lowercase Python identifier "
            "(letters a-z, digits and underscores, starting with a letter)."
        )
    if len(slug) > SLUG_MAX:
        return f"project_slug: {slug!r} is longer than {SLUG_MAX} characters."
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        return f"project_slug: {slug!r} is a Python keyword; choose another name."
    if slug in RESERVED_SLUGS or slug in sys.stdlib_module_names:
        return _shadows(slug)
    if not existing and slug in _DEPENDENCY_OF:
        return (
            f"project_slug: {slug!r} is the name of a module of {_DEPENDENCY_OF[slug]}, which generated "
            f"projects depend on: the project's package would shadow it. Choose another name, e.g. "
            f"{slug + '_site'!r}."
        )
    if not existing and _importable(slug):
        return _shadows(slug)
    return None


def _shadows(slug: str) -> str:
    return (
        f"project_slug: {slug!r} would shadow an existing module or package "
        "(the standard library, an installed package, or the project's own config/users/core); "
        f"choose another name, e.g. {slug + '_site'!r}."
    )


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def from_text(raw: Mapping[str, str]) -> dict[str, Any]:
    """Turn command-line text into typed answers where the question is boolean (``yes`` -> True)."""
    qs = questions()
    result: dict[str, Any] = dict(raw)
    for key, value in raw.items():
        if key in qs and qs[key].type == "bool" and value.strip().lower() in _TRUE | _FALSE:
            result[key] = value.strip().lower() in _TRUE
    return result


def _coerce(question: Question, value: Any) -> tuple[Any, str | None]:
    key = question.key
    if question.type == "bool":
        if isinstance(value, bool):
            return value, None
        return value, f"{key}: expected true or false, got {value!r}."
    if not isinstance(value, str):
        return value, f"{key}: expected text, got {type(value).__name__} {value!r}."
    return value, None


def validate(raw: Mapping[str, Any], *, fill_defaults: bool = True, existing: bool = False) -> dict[str, Any]:
    """Check answers; return them complete with defaults, or raise AnswersError listing every problem.

    ``existing``: the answers of an existing project (see ``slug_problem``).
    """
    qs = questions()
    problems: list[str] = []
    answers: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in qs:
            hint = difflib.get_close_matches(key, list(qs), n=1)
            suggestion = f" Did you mean {hint[0]!r}?" if hint else ""
            problems.append(f"{key}: unknown question.{suggestion} Known: {', '.join(qs)}.")
            continue
        coerced, problem = _coerce(qs[key], value)
        if problem:
            problems.append(problem)
        else:
            answers[key] = coerced
    complete = {**defaults(answers), **answers} if fill_defaults else dict(answers)
    problems += _value_problems(complete, given=set(answers), existing=existing)
    if problems:
        raise AnswersError(problems)
    return complete


def _value_problems(answers: Mapping[str, Any], given: set[str], existing: bool = False) -> list[str]:
    qs = questions()
    problems: list[str] = []
    for key in ("project_name", "description", "author_name", "author_email"):
        if key not in answers or not isinstance(answers[key], str):
            continue
        value = answers[key]
        limit = NAME_MAX if key == "project_name" else TEXT_MAX
        if key in {"project_name", "author_name", "author_email"} and not value.strip():
            problems.append(f"{key}: must not be empty.")
        elif len(value) > limit:
            problems.append(f"{key}: at most {limit} characters (got {len(value)}).")
        elif any(ch in value for ch in "\r\n\t\x00") or not value.isprintable():
            problems.append(f"{key}: must be a single line of printable text.")
    email = answers.get("author_email")
    if isinstance(email, str) and email.strip() and not _EMAIL.match(email):
        problems.append(f"author_email: {email!r} is not an email address such as you@example.com.")
    slug = answers.get("project_slug")
    if isinstance(slug, str) and (problem := slug_problem(slug, existing=existing)):
        problems.append(problem)
    for key, question in qs.items():
        value = answers.get(key)
        if question.choices and isinstance(value, str) and value not in question.values:
            if key == "project_kind" and value in ALL_KINDS:
                problems.append(
                    f"project_kind: {value!r} is not available in this version of djstarter yet; "
                    f"available: {', '.join(question.values)}."
                )
            else:
                problems.append(f"{key}: {value!r} is not one of {', '.join(question.values)}.")
    if answers.get("project_kind") == "todo_api" and "use_drf" in given and answers.get("use_drf") is False:
        problems.append("use_drf: the todo_api kind always includes Django REST framework; leave it out.")
    return problems


def _unique_key_loader() -> type:
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        """A safe loader that refuses a key given twice (YAML would silently keep the last one)."""

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key; SafeLoader reports it below
                    break
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"the question {key!r} is answered twice (keep one)",
                        key_node.start_mark,
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return UniqueKeyLoader


def load_file(path: Path) -> dict[str, Any]:
    """Read a YAML answers file (the ``.copier-answers.yml`` format); Copier's ``_`` keys are skipped."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"The answers file {path} does not exist.") from None
    except IsADirectoryError:
        raise UsageError(f"The answers file {path} is a folder, not a YAML file.") from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"The answers file {path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at position "
            f"{exc.start}); save it as UTF-8 YAML."
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(f"Cannot read the answers file {path}: {reason}.") from None
    try:
        data = yaml.load(text, Loader=_unique_key_loader())  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UsageError(f"The answers file {path} is not valid YAML{where}: {problem}.") from None
    except RecursionError:
        raise UsageError(
            f"The answers file {path} is nested too deeply to be an answers file; "
            "answers are plain text and true/false values."
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(
            f"The answers file {path} must be a YAML mapping of question: answer "
            f"(e.g. 'project_kind: blog'), not a {type(data).__name__}."
        )
    problems = [f"{key!r}: question names are text." for key in data if not isinstance(key, str)]
    if problems:
        raise AnswersError(problems, source=f"answers file {path}")
    return {key: value for key, value in data.items() if not key.startswith("_")}


def parse_data(items: list[str]) -> dict[str, str]:
    """``--data KEY=VALUE`` items to a mapping (values stay text until validated)."""
    result: dict[str, str] = {}
    problems = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            problems.append(f"--data {item!r}: expected KEY=VALUE, e.g. --data project_kind=blog.")
            continue
        result[key.strip()] = value
    if problems:
        raise AnswersError(problems, source="--data")
    return result
