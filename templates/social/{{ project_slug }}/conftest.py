"""Fixtures shared by the social network's tests (with the project's own, in conftest.py at the top)."""

from pathlib import Path

import pytest

from .users.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _attachment_root(settings, _media_root):
    """Post images go to a temporary folder, never into the project: next to the test's own MEDIA_ROOT
    (``_media_root``), only named here and made by the storage when a test saves its first image."""
    settings.SOCIAL_MEDIA_ROOT = Path(settings.MEDIA_ROOT).parent / "private-media"


@pytest.fixture
def ana(client):
    """Ana, signed in with the test client (a test module may define its own ``ana``)."""
    user = UserFactory(username="ana", name="Ana")
    client.force_login(user)
    return user
