"""Where djstarter's templates live, and how a kind's complete Copier template is composed.

The source tree is ``templates/copier.yml``, ``templates/_base`` (the skeleton every kind shares)
and ``templates/<kind>`` (only what that kind adds or replaces). ``compose`` lays them out as one
Copier template: ``copier.yml`` plus ``templates/<kind>`` = base overlaid with the kind, so that
``_subdirectory: templates/{{ project_kind }}`` picks the kind and Jinja imports of
``templates/<kind>/_kind.jinja`` resolve from the template root.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from djstarter.errors import DjstarterError

BASE = "_base"
KIND_HOOKS = "_kind.jinja"


def source_dir() -> Path:
    """The templates folder: inside the installed package, or beside ``src/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent.parent / "templates"):
        if (candidate / "copier.yml").is_file():
            return candidate
    raise DjstarterError(
        "djstarter's templates are missing from this installation (no templates/copier.yml found); "
        "reinstall djstarter with 'pip install --force-reinstall djstarter'."
    )


def implemented_kinds(src: Path | None = None) -> list[str]:
    """Kinds that have a template folder with their hooks file, in a stable order."""
    src = src or source_dir()
    return sorted(
        path.name
        for path in src.iterdir()
        if path.is_dir() and not path.name.startswith(("_", ".")) and (path / KIND_HOOKS).is_file()
    )


def _ignore(_directory: str, names: list[str]) -> list[str]:
    return [name for name in names if name in {"__pycache__", ".DS_Store"} or name.endswith(".pyc")]


def compose(dest: Path, src: Path | None = None, kinds: list[str] | None = None) -> Path:
    """Write the complete Copier template for ``kinds`` (default: all implemented) into ``dest``."""
    src = src or source_dir()
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "copier.yml", dest / "copier.yml")
    for kind in kinds or implemented_kinds(src):
        target = dest / "templates" / kind
        shutil.copytree(src / BASE, target, ignore=_ignore, dirs_exist_ok=True)
        shutil.copytree(src / kind, target, ignore=_ignore, dirs_exist_ok=True)
    return dest
