"""Developer helper: render a project from this checkout without the CLI's prompts.

    python scripts/render.py /tmp/out project_kind=blog use_drf=true use_celery=false

Unspecified answers take their defaults. The destination is replaced if it exists.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from djstarter.generate import generate  # noqa: E402

DEFAULTS = {
    "project_name": "Demo Site",
    "project_slug": "demo_site",
    "description": "A demo project.",
    "author_name": "Ada Lovelace",
    "author_email": "ada@example.com",
    "project_kind": "blog",
    "use_drf": False,
    "use_celery": False,
    "use_allauth": False,
    "use_docker": False,
    "ci": "github",
    "database": "sqlite",
}


def main(argv: list[str]) -> None:
    dest = Path(argv[0])
    answers = dict(DEFAULTS)
    for item in argv[1:]:
        key, _, value = item.partition("=")
        answers[key] = {"true": True, "false": False}.get(value.lower(), value)
    shutil.rmtree(dest, ignore_errors=True)
    generate(answers, dest, git=False)
    print(dest)


if __name__ == "__main__":
    main(sys.argv[1:])
