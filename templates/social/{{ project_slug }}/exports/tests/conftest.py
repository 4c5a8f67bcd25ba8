import pytest


@pytest.fixture(autouse=True)
def _private_storages(settings, tmp_path):
    """Export archives and post images go to folders of the test's own (``STORAGES["exports"]``,
    ``SOCIAL_MEDIA_ROOT``), never into the project."""
    settings.SOCIAL_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "exports"},
        },
    }
