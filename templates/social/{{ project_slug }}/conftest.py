"""Fixtures shared by the social network's tests (with the project's own, in conftest.py at the top)."""

import pytest

from .users.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _attachment_root(settings, tmp_path):
    """Post images go to a temporary folder, never into the project (as MEDIA_ROOT and export archives do)."""
    settings.SOCIAL_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def ana(client):
    """Ana, signed in with the test client (a test module may define its own ``ana``)."""
    user = UserFactory(username="ana", name="Ana")
    client.force_login(user)
    return user
