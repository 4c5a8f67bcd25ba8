"""djstarter's reading of Django's migration graph: the forks `migrate` would refuse."""

from __future__ import annotations

from pathlib import Path

from djstarter import migration_graph

from .helpers import write


def migration(*dependencies: tuple[str, str], replaces: tuple[tuple[str, str], ...] = ()) -> str:
    lines = [
        "from django.conf import settings",
        "from django.db import migrations",
        "",
        "",
        "class Migration(migrations.Migration):",
        "    dependencies = [",
        "        migrations.swappable_dependency(settings.AUTH_USER_MODEL),",
        *(f"        {dependency!r}," for dependency in dependencies),
        "    ]",
    ]
    if replaces:
        lines.append(f"    replaces = {list(replaces)!r}")
    return "\n".join([*lines, "    operations = []", ""])


def app(project: Path, name: str, migrations: dict[str, str]) -> None:
    write(project / "site" / name / "__init__.py", "")
    write(project / "site" / name / "migrations" / "__init__.py", "")
    for filename, text in migrations.items():
        write(project / "site" / name / "migrations" / f"{filename}.py", text)


def test_a_linear_history_has_no_conflict(tmp_path: Path) -> None:
    app(tmp_path, "blog", {"0001_initial": migration(), "0002_b": migration(("blog", "0001_initial"))})
    assert migration_graph.conflicts(tmp_path) == {}


def test_two_migrations_after_the_same_parent_are_a_conflict(tmp_path: Path) -> None:
    app(tmp_path, "blog", {
        "0001_initial": migration(("users", "0001_initial")),
        "0002_ours": migration(("blog", "0001_initial")),
        "0002_release": migration(("blog", "0001_initial"), ("users", "0002_other")),
    })  # fmt: skip
    app(tmp_path, "users", {"0001_initial": migration()})
    assert migration_graph.conflicts(tmp_path) == {"blog": ["0002_ours", "0002_release"]}


def test_a_merge_migration_resolves_it(tmp_path: Path) -> None:
    app(tmp_path, "blog", {
        "0001_initial": migration(),
        "0002_ours": migration(("blog", "0001_initial")),
        "0002_release": migration(("blog", "0001_initial")),
        "0003_merge": migration(("blog", "0002_ours"), ("blog", "0002_release")),
    })  # fmt: skip
    assert migration_graph.conflicts(tmp_path) == {}


def test_a_squashed_migration_stands_for_the_ones_it_replaces(tmp_path: Path) -> None:
    app(tmp_path, "blog", {
        "0001_initial": migration(),
        "0002_a": migration(("blog", "0001_initial")),
        "0001_squashed_0002_a": migration(replaces=(("blog", "0001_initial"), ("blog", "0002_a"))),
        "0003_b": migration(("blog", "0002_a")),
    })  # fmt: skip
    assert migration_graph.conflicts(tmp_path) == {}


def test_unreadable_files_and_virtualenvs_are_skipped(tmp_path: Path) -> None:
    app(tmp_path, "blog", {
        "0001_initial": migration(),
        "0002_a": migration(("blog", "0001_initial")),
        "0002_conflicted": "<<<<<<< before updating\n",
    })  # fmt: skip
    write(tmp_path / ".venv" / "lib" / "pkg" / "__init__.py", "")
    write(tmp_path / ".venv" / "lib" / "pkg" / "migrations" / "__init__.py", "")
    write(tmp_path / ".venv" / "lib" / "pkg" / "migrations" / "0001_x.py", migration())
    write(tmp_path / ".venv" / "lib" / "pkg" / "migrations" / "0001_y.py", migration())
    assert migration_graph.conflicts(tmp_path) == {}
