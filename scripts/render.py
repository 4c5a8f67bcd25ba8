"""Developer helper: render a project from this checkout without the CLI's prompts.

    python scripts/render.py /tmp/out project_kind=blog use_drf=true use_celery=false

Unspecified answers take their defaults (slug: demo_site). The destination is replaced if it exists.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from djstarter.answers import from_text, parse_data, validate
from djstarter.generate import generate


def main(argv: list[str]) -> None:
    dest = Path(argv[0])
    given = {"project_slug": "demo_site", **from_text(parse_data(argv[1:]))}
    answers = validate(given)
    shutil.rmtree(dest, ignore_errors=True)
    generate(answers, dest, git=False)
    print(dest)


if __name__ == "__main__":
    main(sys.argv[1:])
