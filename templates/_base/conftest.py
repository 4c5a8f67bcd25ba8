"""Fixtures shared by every app's tests."""

import itertools
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache

_media_folders = itertools.count()


@pytest.fixture(scope="session")
def _media_base():
    """One temporary folder for the session, removed when it ends.

    Not ``tmp_path_factory``: the first use of pytest's numbered temporary folders makes the run delete the
    oldest of them at exit, other projects' and other sessions' too, which can take seconds on a shared
    machine. Only tests that ask for ``tmp_path`` pay for that now.
    """
    with tempfile.TemporaryDirectory(prefix="media-") as folder:
        yield Path(folder)


@pytest.fixture(autouse=True)
def _media_root(settings, _media_base):
    """Uploaded files go to a temporary folder of each test's own, never into the project; so do data export
    archives (``STORAGES["exports"]``, in the kinds that have exports: ``core/archives.py``).

    The folder is only named here: storage creates it when a test saves its first file, so the many tests
    that upload nothing cost no directory (``tmp_path`` would make one, and a symlink, for every test).
    """
    folder = _media_base / str(next(_media_folders))
    settings.MEDIA_ROOT = folder / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder / "exports"},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (cached pages, login rate-limit counters)."""
    cache.clear()
    yield
    cache.clear()
