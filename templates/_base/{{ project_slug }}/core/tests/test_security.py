"""Security settings: production refuses insecure configuration, headers and hashing are right."""

import importlib.util
from types import ModuleType

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from config.settings import base

from .production import PRODUCTION_ENV


def load_production_settings() -> ModuleType:
    """Execute ``config.settings.production`` afresh (not from ``sys.modules``) in today's environment."""
    spec = importlib.util.find_spec("config.settings.production")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def production_environment(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        if name != "DJANGO_SETTINGS_MODULE":
            monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_DOMAIN"])
def test_production_settings_refuse_to_load_without_a_required_variable(production_environment, name):
    production_environment.delenv(name)
    with pytest.raises(ImproperlyConfigured, match=name):
        load_production_settings()


def test_production_settings_refuse_a_blank_host_list(production_environment):
    production_environment.setenv("ALLOWED_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        load_production_settings()


def test_production_settings_take_their_values_from_the_environment(production_environment):
    production_environment.setenv("ALLOWED_HOSTS", "example.com, www.example.com")
    production = load_production_settings()
    assert PRODUCTION_ENV["SECRET_KEY"] == production.SECRET_KEY
    assert production.ALLOWED_HOSTS == ["example.com", "www.example.com"]
    assert production.DATABASES["default"]["ATOMIC_REQUESTS"] is True
    assert production.DEBUG is False


def test_production_keeps_postgresql_connections_the_way_its_server_runs_requests(production_environment):
    """WSGI workers keep their connection between requests (CONN_MAX_AGE). An ASGI server (Channels) runs
    each request in a thread of its own, so its connections are pooled instead of kept per thread."""
    production_environment.setenv("DATABASE_URL", "postgres://site:secret@db.example:5432/site")
    production_environment.delenv("CONN_MAX_AGE", raising=False)  # .env.example's development value
    database = load_production_settings().DATABASES["default"]
    if apps.is_installed("channels"):
        assert database["CONN_MAX_AGE"] == 0
        assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 10}
    else:
        assert database["CONN_MAX_AGE"] == 60
        assert "pool" not in database.get("OPTIONS", {})


def test_production_settings_load_with_every_required_variable(production_report):
    assert production_report["settings"] == {"DEBUG": False, "SESSION_COOKIE_SECURE": True}


def test_production_settings_pass_the_deployment_checklist(production_report):
    assert production_report["deploy_check"] == "ok"


def test_production_redirects_plain_http_to_https(production_report):
    status, location = production_report["plain"]
    assert status == 301
    assert location.startswith("https://example.com/")


def test_production_report_carry_the_security_headers(production_report):
    assert production_report["page"] == 200
    headers = production_report["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=(), " in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_cookies_are_secure(production_report):
    assert production_report["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production_report["login"] == 302  # signed in
    assert production_report["session_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_argon2_is_the_first_password_hasher():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_pages_send_a_content_security_policy(client, django_user_model):
    user = django_user_model.objects.create_user("csp", "csp@example.com", "pw-not-used-here")
    response = client.get(reverse("users:detail", kwargs={"username": user.username}))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def policy_directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: sources}: the order of directives means nothing."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.mark.django_db
def test_the_content_security_policy_is_the_same_on_every_django_version(client):
    # Django 5.2 projects send it with django-csp, Django 6.1 projects with Django's own middleware.
    response = client.get(reverse(settings.LOGIN_URL))
    assert policy_directives(response["Content-Security-Policy"]) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The browsable API and the API docs (Django REST framework) use inline styles.
        "style-src": ["'self'", "'unsafe-inline'"] if apps.is_installed("rest_framework") else ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


@pytest.mark.django_db
def test_posts_without_a_csrf_token_are_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("users:profile"), {"name": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_unknown_pages_use_the_404_template(client):
    response = client.get("/this-page-does-not-exist/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "Page not found" in response.content.decode()
