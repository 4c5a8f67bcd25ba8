"""The suite starts from a kept copy of the migrated SQLite test database instead of migrating on every run.

Running every migration takes the better part of a second (Django renders each migration's models), and its
result only changes when a migration, the project's code or an installed app changes. The first ``pytest``
run migrates the in-memory test database as usual and keeps a copy of it in ``.pytest_cache``, named by a
fingerprint of those files; later runs copy it in (a few milliseconds) and then send ``post_migrate`` as a
``migrate`` with nothing left to apply does, so handlers that read the environment (the current site) still
run. ``pytest --cache-clear`` (or ``-p no:cacheprovider``) migrates from scratch; PostgreSQL always migrates.
"""

import contextlib
import hashlib
import importlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import django
from django.apps import apps
from django.conf import settings
from django.core import management
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.creation import BaseDatabaseCreation


@contextlib.contextmanager
def kept_in(folder: Path | None) -> Iterator[None]:
    """While the test databases are created, their ``migrate`` reads and writes the copy in ``folder``."""
    if folder is None:
        yield
        return
    create_test_db = BaseDatabaseCreation.create_test_db

    def create_from_copy(creation: BaseDatabaseCreation, *args: Any, **kwargs: Any) -> str:
        # Only the ``migrate`` of the test database's creation; a test's own ``call_command`` runs as written.
        with mock.patch.object(management, "call_command", _migrate_from(folder, management.call_command)):
            return create_test_db(creation, *args, **kwargs)

    with mock.patch.object(BaseDatabaseCreation, "create_test_db", create_from_copy):
        yield


def _migrate_from(folder: Path, call_command: Callable[..., Any]) -> Callable[..., Any]:
    def call(name: str, *args: Any, **options: Any) -> Any:
        connection = connections[options.get("database", DEFAULT_DB_ALIAS)]
        in_memory = connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
            connection.settings_dict["NAME"]
        )
        if name != "migrate" or args or not in_memory:
            return call_command(name, *args, **options)
        copy = folder / f"{fingerprint()}.sqlite3"
        connection.ensure_connection()
        if copy.exists():
            with contextlib.closing(sqlite3.connect(copy)) as source:
                source.backup(connection.connection)
            emit_post_migrate_signal(
                options.get("verbosity", 1), options.get("interactive", False), connection.alias, plan=[]
            )
            return None
        result = call_command(name, *args, **options)
        unfinished = copy.with_name(f"{copy.stem}.{os.getpid()}.partial")
        with contextlib.closing(sqlite3.connect(unfinished)) as target:
            connection.connection.backup(target)
        os.replace(unfinished, copy)  # whole or not at all, also when two xdist workers write it at once
        for older in folder.glob("*.sqlite3"):
            if older != copy:
                older.unlink(missing_ok=True)
        return result

    return call


def fingerprint() -> str:
    """What the migrated database follows from: every migration, the project's code and settings (data
    migrations and ``post_migrate`` handlers call into it), and the versions of Django, SQLite and each
    installed app (an upgrade rewrites the app's files)."""
    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    settings_module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    files = {*Path(settings_module.__file__).parent.glob("*.py")}
    for app in apps.get_app_configs():
        root = Path(app.path)
        if "site-packages" in root.parts or not root.is_relative_to(settings.BASE_DIR):
            files.update(root.glob("*.py"), root.glob("migrations/*.py"))
        else:
            files.update(path for path in root.rglob("*.py") if "tests" not in path.relative_to(root).parts)
    for path in sorted(files):
        digest.update(f"\0{path}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]
