import json
import logging

import pytest
from django.urls import reverse

from ...audit.models import AuditEvent
from ...organizations.context import organization_context
from .. import views
from ..logging import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db


def test_readyz_checks_database_and_cache(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("probe", ["database_ok", "cache_ok"])
def test_readyz_fails_when_a_dependency_is_down(client, monkeypatch, probe):
    def broken() -> bool:
        raise OSError("connection refused")

    monkeypatch.setattr(views, probe, broken)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_request_id_is_kept_or_made(client):
    kept = client.get(reverse("readyz"), HTTP_X_REQUEST_ID="abc-123456")
    assert kept["X-Request-ID"] == "abc-123456"
    made = client.get(reverse("readyz"), HTTP_X_REQUEST_ID="bad id with spaces")
    assert len(made["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    ("forwarded", "recorded"),
    [
        ("198.51.100.4", "198.51.100.4"),
        ("not-an-ip", "203.0.113.9"),
        ("1" * 30, "203.0.113.9"),
        ("%", "203.0.113.9"),
    ],
)
def test_client_addresses_behind_a_proxy_are_ip_addresses(
    client_as, acme, owner, settings, forwarded, recorded
):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client_as(owner).post(
        reverse("organizations:settings", args=[acme.slug]),
        {"name": "Acme Ltd"},
        HTTP_X_FORWARDED_FOR=forwarded,
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    with organization_context(acme):
        assert AuditEvent.objects.get(action=AuditEvent.Action.SETTINGS_CHANGED).ip_address == recorded


def test_json_log_lines_carry_the_request_context():
    record = logging.LogRecord("app", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
    RequestContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello world"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "" and line["organization"] == ""


def test_sentry_is_off_without_a_dsn(settings):
    import sentry_sdk

    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()
