import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from ...users.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache: every test starts (and ends) with an empty one."""
    cache.clear()
    yield
    cache.clear()


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
