"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into the project; so do data export archives
    (``STORAGES["exports"]``, in the kinds that have exports: ``core/archives.py``)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "exports"},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (cached pages, login rate-limit counters)."""
    cache.clear()
    yield
    cache.clear()
