"""Django's "Conflicting migrations detected" check, read from the migration files (no Django needed).

After an update, a release may add ``blog/migrations/0002_x.py`` beside the user's own ``0002_y.py``:
both depend on ``0001``, git merges them without a textual conflict, and ``migrate`` then refuses.
Django's ``MigrationLoader.detect_conflicts`` reports every app with more than one leaf node; this
module finds the same leaves by reading each migration's ``dependencies`` (and ``replaces``, for
squashed migrations) with ``ast``, so djstarter can check a project whose environment it does not have.
"""

from __future__ import annotations

import ast
from pathlib import Path

_SKIPPED_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages"})


def conflicts(project: Path) -> dict[str, list[str]]:
    """App label -> its leaf migrations, for every app with more than one leaf (sorted)."""
    return dict(sorted((folder.parent.name, leaves) for folder, leaves in forks(project).items()))


def forks(project: Path) -> dict[Path, list[str]]:
    """Migrations folder -> its leaf migrations, for every folder with more than one leaf."""
    found: dict[Path, list[str]] = {}
    for folder in _migration_folders(project):
        leaves = _leaves(folder)
        if len(leaves) > 1:
            found[folder] = leaves
    return found


def merge_name(leaves: list[str]) -> str:
    """The merge migration's name, as ``makemigrations --merge`` names it: the next number, then
    ``merge_`` and the leaves' names (their numbers alone when that is too long)."""
    number = max((int(leaf[:4]) for leaf in leaves if leaf[:4].isdigit()), default=0) + 1
    name = "merge_" + "_".join(sorted(leaves))
    if len(name) > 52:
        name = "merge_" + "_".join(sorted(leaf.split("_", 1)[0] for leaf in leaves))
    return f"{number:04d}_{name}"


def merge_migration(app: str, leaves: list[str], tag: str) -> str:
    """A migration that depends on every leaf and does nothing else: Django's graph has one leaf again.

    Unlike ``makemigrations --merge``, it needs no common ancestor, so it also joins histories that fork
    at the root (a release's ``0001`` beside the user's own ``0001_initial``). Like Django's merge, it
    only orders nothing: the leaves were each made without the other, so neither depends on the other.
    """
    dependencies = "".join(f'        ("{app}", "{leaf}"),\n' for leaf in sorted(leaves))
    return (
        f"# Written by djstarter update ({tag}): joins the release's migrations and yours.\n\n"
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [\n{dependencies}    ]\n\n"
        "    operations = []\n"
    )


def _migration_folders(project: Path) -> list[Path]:
    folders = []
    for init in project.rglob("migrations/__init__.py"):
        relative = init.relative_to(project).parts
        if not _SKIPPED_DIRS.intersection(relative) and (init.parent.parent / "__init__.py").is_file():
            folders.append(init.parent)
    return sorted(folders)


def _leaves(folder: Path) -> list[str]:
    app = folder.parent.name
    nodes: dict[str, tuple[set[str], set[str]]] = {}  # name -> (same-app parents, replaced names)
    for path in folder.glob("*.py"):
        if path.name.startswith(("_", "~")):
            continue
        parsed = _read(path, app)
        if parsed is not None:
            nodes[path.stem] = parsed
    replaced = {name for parents, replaces in nodes.values() for name in replaces}
    live = {name: parents for name, (parents, _) in nodes.items() if name not in replaced}
    if replaced:  # a squashed migration stands for the ones it replaces, as in Django's graph
        squashes = {name: replaces for name, (_, replaces) in nodes.items() if replaces}
        remap = {old: new for new, olds in squashes.items() for old in olds}
        live = {name: {remap.get(p, p) for p in parents} - {name} for name, parents in live.items()}
    parents_of_someone = set().union(*live.values()) if live else set()
    return sorted(name for name in live if name not in parents_of_someone)


def _read(path: Path, app: str) -> tuple[set[str], set[str]] | None:
    """A migration's same-app dependencies and replaced names; None if it is not a readable migration."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError):
        return None  # e.g. conflict markers: reported as a conflicted file, not here
    migration = next(
        (node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Migration"),
        None,
    )
    if migration is None:
        return None
    parents: set[str] = set()
    replaces: set[str] = set()
    for statement in migration.body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target = statement.targets[0]
        if not isinstance(target, ast.Name) or target.id not in {"dependencies", "replaces"}:
            continue
        for label, name in _pairs(statement.value):
            if label == app:
                (parents if target.id == "dependencies" else replaces).add(name)
    return parents, replaces


def _pairs(value: ast.expr) -> list[tuple[str, str]]:
    """``[("app", "0001_x"), …]`` literals; other entries (``swappable_dependency(…)``) are skipped."""
    if not isinstance(value, (ast.List, ast.Tuple)):
        return []
    pairs = []
    for item in value.elts:
        if isinstance(item, (ast.Tuple, ast.List)) and len(item.elts) == 2:
            first, second = item.elts
            if isinstance(first, ast.Constant) and isinstance(second, ast.Constant):
                pairs.append((str(first.value), str(second.value)))
    return pairs
