"""Every interactive question, asked with questionary.

``unsafe_ask`` lets Ctrl-C raise KeyboardInterrupt (plain ``ask`` would return None) and EOF raise
EOFError; the CLI turns both into their exit codes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from djstarter import answers as answers_mod
from djstarter.errors import AnswersError, Cancelled, UsageError

STACK_LABELS = {
    "use_drf": "Django REST framework — a real API with OpenAPI docs",
    "use_celery": "Celery — background tasks with a Redis broker",
    "use_allauth": "django-allauth — signup, email verification, password reset",
    "use_docker": "Docker — multi-stage Dockerfile and compose.yaml",
    "ci": "CI — GitHub Actions or GitLab CI, with dependency updates",
}


def require_tty() -> None:
    if not sys.stdin.isatty():
        raise UsageError(
            "Some answers are missing and standard input is not a terminal, so djstarter cannot ask. "
            "Give them with --answers FILE (a YAML file like .copier-answers.yml), --data KEY=VALUE, "
            "or accept the defaults for the rest with --defaults."
        )


def _validator(check: Callable[[str], str | None]) -> Callable[[str], bool | str]:
    def validate(text: str) -> bool | str:
        problem = check(text)
        return True if problem is None else problem

    return validate


def _single_problem(key: str) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        try:
            answers_mod.validate({key: text}, fill_defaults=False)
        except AnswersError as exc:
            return exc.problems[0]
        return None

    return check


def _git_config(key: str) -> str:
    """The user's git identity makes a better default author than a placeholder."""
    import subprocess

    try:
        result = subprocess.run(["git", "config", "--get", key], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip()


def ask(known: Mapping[str, Any]) -> dict[str, Any]:
    """Ask for every answer not in ``known``; returns the complete answers, confirmed by the user."""
    import questionary

    require_tty()
    qs = answers_mod.questions()
    result = dict(known)

    def text(key: str, default: str) -> None:
        if key not in result:
            result[key] = questionary.text(
                qs[key].help + ":", default=default, validate=_validator(_single_problem(key))
            ).unsafe_ask()

    defaults = answers_mod.defaults()
    text("project_name", "")
    text("project_slug", answers_mod.slugify(result["project_name"]))
    text("description", defaults["description"])
    text("author_name", _git_config("user.name") or defaults["author_name"])
    text("author_email", _git_config("user.email") or defaults["author_email"])

    def select(key: str, title: str | None = None, default: str | None = None, skip: str = "") -> None:
        if key not in result:
            question = qs[key]
            result[key] = questionary.select(
                title or question.help,
                choices=[
                    questionary.Choice(title=lbl, value=val) for lbl, val in question.choices if val != skip
                ],
                default=default or question.default,
            ).unsafe_ask()

    select("project_kind")
    select("django_version")
    stack_keys = [key for key in (*answers_mod.STACK_OPTIONS, "ci") if key not in result]
    if result["project_kind"] == "todo_api":
        result["use_drf"] = True
        stack_keys = [key for key in stack_keys if key != "use_drf"]
    if stack_keys:
        chosen = questionary.checkbox(
            "Stack options (space to toggle, enter to confirm):",
            choices=[
                questionary.Choice(title=STACK_LABELS[key], value=key, checked=key == "ci")
                for key in stack_keys
            ],
        ).unsafe_ask()
        for key in stack_keys:
            if key != "ci":
                result[key] = key in chosen
        if "ci" in stack_keys and "ci" not in chosen:
            result["ci"] = "none"
    select("ci", "Which CI service?", default="github", skip="none")
    select("database")
    complete = answers_mod.validate(result)
    print(summary(complete))
    if not questionary.confirm("Generate this project?", default=True).unsafe_ask():
        raise Cancelled
    return complete


def summary(answers: Mapping[str, Any]) -> str:
    qs = answers_mod.questions()
    options = [key.removeprefix("use_") for key in answers_mod.STACK_OPTIONS if answers.get(key)]
    if answers.get("ci") != "none":
        options.append(f"ci ({answers['ci']})")
    rows = [
        ("Project", f"{answers['project_name']} ({answers['project_slug']})"),
        ("Description", answers["description"]),
        ("Author", f"{answers['author_name']} <{answers['author_email']}>"),
        ("Kind", qs["project_kind"].label(answers["project_kind"])),
        ("Django", qs["django_version"].label(answers["django_version"])),
        ("Options", ", ".join(options) or "none"),
        ("Database", qs["database"].label(answers["database"])),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label.ljust(width)}  {value}" for label, value in rows)
