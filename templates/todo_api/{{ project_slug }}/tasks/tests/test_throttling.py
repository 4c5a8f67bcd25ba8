"""Throttling: rates are lowered for the test; the cache (throttle history) is cleared by conftest."""

import pytest
from django.conf import settings as django_settings
from rest_framework.throttling import SimpleRateThrottle

from ...users.tests.factories import PASSWORD
from .factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def throttle_rates(settings, monkeypatch):
    """Override rates in settings; DRF copies them onto the throttle class at import: patch that too."""

    def apply(**rates: str) -> None:
        merged = {**django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", merged)

    return apply


def test_configured_rates():
    rates = django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"anon", "user", "tasks_bulk", "login"} <= set(rates)


def test_user_rate_applies_to_the_api(alice_api, throttle_rates):
    throttle_rates(user="3/minute")
    for _ in range(3):
        assert alice_api.get("/api/v1/tasks/").status_code == 200
    response = alice_api.get("/api/v1/tasks/")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_anonymous_rate_applies(api, throttle_rates):
    # Permissions are checked before throttles: the public API root shows the anonymous rate.
    throttle_rates(anon="2/minute")
    assert [api.get("/api/v1/").status_code for _ in range(3)] == [200, 200, 429]


def test_bulk_action_has_its_own_lower_rate(alice_api, user, throttle_rates):
    throttle_rates(tasks_bulk="2/minute", user="100/minute")
    task = TaskFactory(owner=user)
    codes = [alice_api.post("/api/v1/tasks/complete/", {"ids": [task.pk]}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # other endpoints are still allowed
    assert alice_api.get("/api/v1/tasks/").status_code == 200


def test_token_endpoint_is_throttled_per_client(api, user, throttle_rates):
    throttle_rates(login="2/minute")
    codes = [
        api.post("/api/v1/auth/token/", {"username": user.username, "password": "guess"}).status_code
        for _ in range(2)
    ]
    assert codes == [400, 400]
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
