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


def test_a_root_level_fork_gets_a_merge_migration_that_joins_it(tmp_path: Path) -> None:
    """allauth's data migration ``core/0001_…`` beside the user's own ``core/0001_initial``: no common
    ancestor (``makemigrations --merge`` fails), so djstarter writes the merge itself."""
    app(tmp_path, "core", {"0001_existing_users_verified_emails": migration(), "0001_initial": migration()})
    forks = migration_graph.forks(tmp_path)
    ((folder, leaves),) = forks.items()
    assert leaves == ["0001_existing_users_verified_emails", "0001_initial"]
    name = migration_graph.merge_name(leaves)
    assert name == "0002_merge_0001_0001"  # the full names are too long for a file name Django would write
    write(folder / f"{name}.py", migration_graph.merge_migration("core", leaves, "v0.2.0"))
    assert migration_graph.conflicts(tmp_path) == {}
    assert migration_graph.merge_name(["0002_a", "0002_b"]) == "0003_merge_0002_a_0002_b"


def test_the_merge_migration_is_one_django_accepts(tmp_path: Path) -> None:
    """Loaded by Django's own MigrationLoader (no database): the app has one leaf again."""
    import subprocess
    import sys

    core = tmp_path / "core"
    write(core / "__init__.py", "")
    write(core / "migrations" / "__init__.py", "")
    plain = (
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n"
    )
    write(core / "migrations" / "0001_initial.py", plain)
    write(core / "migrations" / "0001_existing_users_verified_emails.py", plain)
    leaves = ["0001_existing_users_verified_emails", "0001_initial"]
    write(
        core / "migrations" / f"{migration_graph.merge_name(leaves)}.py",
        migration_graph.merge_migration("core", leaves, "v0.2.0"),
    )
    script = (
        "import django; from django.conf import settings; "
        "settings.configure(INSTALLED_APPS=['core'], DATABASES={'default': {'ENGINE': "
        "'django.db.backends.sqlite3', 'NAME': ':memory:'}}); django.setup(); "
        "from django.db.migrations.loader import MigrationLoader; "
        "loader = MigrationLoader(None, ignore_no_migrations=True); "
        "print(loader.detect_conflicts(), loader.graph.leaf_nodes('core'))"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert out.stdout.strip() == "{} [('core', '0002_merge_0001_0001')]", out.stderr
