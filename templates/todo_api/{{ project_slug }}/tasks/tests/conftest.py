import pytest
from rest_framework.test import APIClient

from ...users.tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):
    return UserFactory(username="mallory")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def alice_api(api, user):
    """An API client authenticated as ``user``."""
    api.force_authenticate(user)
    return api
