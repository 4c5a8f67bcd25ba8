"""Where djstarter's templates live, and how a kind's complete Copier template is composed.

The source tree is ``templates/copier.yml``, ``templates/_base`` (the skeleton every kind shares)
and ``templates/<kind>`` (only what that kind adds or replaces). ``compose`` lays them out as one
Copier template: ``copier.yml`` plus ``templates/<kind>`` = base overlaid with the kind, so that
``_subdirectory: templates/{{ project_kind }}`` picks the kind and Jinja imports of
``templates/<kind>/_kind.jinja`` resolve from the template root.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
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


def from_checkout(src: Path | None = None) -> bool:
    """True when the templates are a source checkout's (beside ``src/djstarter`` and ``pyproject.toml``),
    not an installed package's: their content may differ from any release of the same version."""
    parent = (src or source_dir()).resolve().parent
    return (parent / "pyproject.toml").is_file() and (parent / "src" / "djstarter").is_dir()


def implemented_kinds(src: Path | None = None) -> list[str]:
    """Kinds that have a template folder with their hooks file, in a stable order."""
    src = src or source_dir()
    return sorted(
        path.name
        for path in src.iterdir()
        if path.is_dir() and not path.name.startswith(("_", ".")) and (path / KIND_HOOKS).is_file()
    )


_IGNORED = frozenset({"__pycache__", ".DS_Store"})


def _ignored(name: str) -> bool:
    return name in _IGNORED or name.endswith(".pyc")


def layout(src: Path | None = None, kinds: list[str] | None = None) -> dict[str, Path]:
    """The composed template as a map: relative path (POSIX) -> the source file that provides it.

    ``copier.yml``, then for each kind ``templates/<kind>/…`` = ``_base`` overlaid with the kind's own
    files (the kind wins where both have a path). Nothing is copied.
    """
    src = src or source_dir()
    files = {"copier.yml": src / "copier.yml"}
    base = _relative_files(src / BASE)  # walked once, shared by every kind
    for kind in kinds or implemented_kinds(src):
        for relative, path in (*base, *_relative_files(src / kind)):
            files[f"templates/{kind}/{relative}"] = path
    return files


def _relative_files(root: Path) -> list[tuple[str, Path]]:
    """Every file under ``root`` with its POSIX path relative to ``root``."""
    return [(path.relative_to(root).as_posix(), path) for path in _files(root)]


def _files(root: Path) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if not _ignored(name)]
        for name in filenames:
            if not _ignored(name):
                yield Path(directory, name)


def compose(dest: Path, src: Path | None = None, kinds: list[str] | None = None) -> Path:
    """Write the complete Copier template for ``kinds`` (default: all implemented) into ``dest``.

    The files are copied, never hard-linked: a link changes the source file's change time, which is part
    of the key that lets the store trust a template file's stat instead of reading it
    (``store.cached_fingerprint``), so linking made every run read every template file again.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for relative, source in layout(src, kinds).items():
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return dest
