import pytest

from .factories import UserFactory


@pytest.fixture
def ana(client):
    """Ana, signed in with the test client (a test module may define its own ``ana``)."""
    user = UserFactory(username="ana", name="Ana")
    client.force_login(user)
    return user
