import json
import logging

import pytest
from django.urls import reverse

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
