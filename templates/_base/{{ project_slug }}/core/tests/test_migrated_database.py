import sqlite3
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import management
from django.db import connection

from . import migrated_database

SETTINGS_FOLDER = Path(settings.BASE_DIR) / "config" / "settings"
APPLIED = "SELECT app, name FROM django_migrations ORDER BY app, name"


@pytest.mark.parametrize(
    "changed",
    [
        lambda: Path(apps.get_app_config("users").path) / "migrations" / "0001_initial.py",
        lambda: Path(apps.get_app_config("core").path) / "sites.py",  # a post_migrate handler
        lambda: SETTINGS_FOLDER / "base.py",
        lambda: Path(apps.get_app_config("sites").path) / "migrations" / "0001_initial.py",
    ],
    ids=["a migration", "the project's code", "the settings", "an installed app's migration"],
)
def test_the_kept_copy_is_named_by_what_the_migrated_database_follows_from(monkeypatch, changed):
    before = migrated_database.fingerprint()
    path, read = changed(), Path.read_bytes
    assert path.exists()
    monkeypatch.setattr(Path, "read_bytes", lambda file: read(file) + (b"\n#" if file == path else b""))
    assert migrated_database.fingerprint() != before


def test_a_test_file_does_not_change_the_fingerprint(monkeypatch):
    before, read, this = migrated_database.fingerprint(), Path.read_bytes, Path(__file__)
    monkeypatch.setattr(Path, "read_bytes", lambda file: read(file) + (b"\n#" if file == this else b""))
    assert migrated_database.fingerprint() == before


@pytest.mark.django_db
def test_this_runs_database_is_the_kept_copy_and_post_migrate_ran(request):
    if getattr(request.config, "cache", None) is None or connection.vendor != "sqlite":
        pytest.skip("the copy is kept only for SQLite, in pytest's cache")
    copies = list(Path(request.config.cache.mkdir("djstarter-test-database")).glob("*.sqlite3"))
    assert [copy.stem for copy in copies] == [migrated_database.fingerprint()]
    with connection.cursor() as cursor:
        cursor.execute(APPLIED)
        applied = cursor.fetchall()
    with sqlite3.connect(copies[0]) as kept:
        assert kept.execute(APPLIED).fetchall() == applied
    assert Site.objects.get_current().domain == settings.SITE_DOMAIN  # post_migrate follows the environment


def test_a_tests_own_commands_run_as_written(tmp_path):
    call_command = management.call_command
    with migrated_database.kept_in(tmp_path):
        assert management.call_command is call_command
