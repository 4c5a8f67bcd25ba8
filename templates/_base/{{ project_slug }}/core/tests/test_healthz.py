import pytest
from django.urls import reverse

from .. import views

pytestmark = pytest.mark.django_db


def test_healthz_reports_a_reachable_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_an_unreachable_database(client, monkeypatch):
    def broken() -> bool:
        raise OSError("connection refused")

    monkeypatch.setattr(views, "_database_ok", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": False}


def test_healthz_accepts_only_safe_methods(client):
    assert client.post(reverse("healthz")).status_code == 405
