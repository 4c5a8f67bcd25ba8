"""``djstarter new``: collect answers (file, --data, prompts), generate, print the next steps."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from djstarter import answers as answers_mod
from djstarter.errors import EXIT_OK, Interrupted
from djstarter.output import Status, say


def collect(answers_file: Path | None, data: list[str], defaults: bool) -> dict[str, Any]:
    """Merge the answers file and --data (command line wins), then validate or ask for the rest."""
    given: dict[str, Any] = {}
    if answers_file is not None:
        given.update(answers_mod.load_file(answers_file))
    given.update(answers_mod.from_text(answers_mod.parse_data(data)))
    if defaults or answers_file is not None:
        return answers_mod.validate(given)
    answers_mod.validate(given, fill_defaults=False)  # report bad --data before asking anything
    from djstarter import prompts

    return prompts.ask(given)


def run(
    *,
    dest: Path | None,
    answers_file: Path | None,
    data: list[str],
    defaults: bool,
    git: bool,
    overwrite: bool,
    quiet: bool,
) -> int:
    from djstarter.generate import preload

    preload(prompts=not defaults and answers_file is None)  # asks in this process only without answers
    try:
        answers = collect(answers_file, data, defaults)
    except KeyboardInterrupt:
        raise Interrupted("interrupted; nothing was written.") from None
    target = dest if dest is not None else Path.cwd() / answers["project_slug"]

    from djstarter.generate import check_destination, generate

    check_destination(target.expanduser().absolute(), overwrite=overwrite)
    written: list[Path] = []
    try:
        with Status(f"Generating {answers['project_name']} ({answers['project_kind']})", quiet=quiet):
            project = generate(answers, target, git=git, overwrite=overwrite, written=written)
        if not quiet:
            say(next_steps(project, answers, git=git))
    except KeyboardInterrupt:
        if written:  # the project was moved into place in one uninterruptible step: it is complete
            raise Interrupted(
                f"interrupted after the project was written: {written[0]} is complete "
                "(its next steps are in its README.md)."
            ) from None
        raise Interrupted("interrupted; nothing was written.") from None
    return EXIT_OK


def next_steps(project: Path, answers: dict[str, Any], *, git: bool) -> str:
    try:
        shown = project.relative_to(Path.cwd())
    except ValueError:
        shown = project
    activate = r".venv\Scripts\activate" if sys.platform == "win32" else ". .venv/bin/activate"
    lines = [
        f"Created {answers['project_name']} in {shown}"
        + (" (git repository, first commit made)." if git else "."),
        "",
        "Next steps:",
        f"  cd {shown}",
        "  python3 -m venv .venv",
        f"  {activate}",
        "  python -m pip install --upgrade pip",
        "  pip install -e . --group dev",
    ]
    if answers["database"] == "postgresql":
        lines.append(f"  createdb {answers['project_slug']}   # or set DATABASE_URL in .env")
    lines += [
        "  python manage.py migrate",
        "  python manage.py load_demo_data",
        "  python manage.py runserver",
        "  pytest",
        "",
        "The project's README.md explains the rest, including 'copier update' for template updates.",
    ]
    return "\n".join(lines)
