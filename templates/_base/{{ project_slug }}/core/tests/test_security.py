"""Security settings: production refuses insecure configuration, headers and hashing are right."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from config.settings import base

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_READ_DOT_ENV_FILE": "false",
    "SECRET_KEY": "a-production-like-secret-key-for-this-test-only-0123456789-abcdefgh",
    "ALLOWED_HOSTS": "example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_with_production_settings(code: str, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with production settings and only the given environment."""
    env = {"PATH": os.environ.get("PATH", ""), **PRODUCTION_ENV, **overrides}
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_refuse_to_load_without_a_required_variable(name):
    result = run_with_production_settings("print('loaded')", **{name: None})
    assert result.returncode != 0
    assert name in result.stderr
    assert "loaded" not in result.stdout


def test_production_settings_load_with_every_required_variable(production_responses):
    assert production_responses["settings"] == {"DEBUG": False, "SESSION_COOKIE_SECURE": True}


def test_production_settings_pass_the_deployment_checklist(production_responses):
    assert production_responses["deploy_check"] == "ok"


#: Runs in one fresh interpreter with production settings (one process keeps the suite fast): runs the
#: deployment checklist, migrates an in-memory database, then drives the login page with Django's test
#: client over HTTP and HTTPS and prints what the settings and the responses carried.
PRODUCTION_REQUESTS = """
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings
from django.urls import reverse

try:
    call_command("check", deploy=True, fail_level="WARNING")
    deploy_check = "ok"
except SystemCheckError as error:
    deploy_check = str(error)
call_command("migrate", verbosity=0)
password = "a-long-unusual-passphrase-42"
user = get_user_model().objects.create_user("prod", "prod@example.com", password)
if "allauth" in settings.INSTALLED_APPS:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    fields = {"login": "prod", "password": password}
else:
    fields = {"username": "prod", "password": password}


def cookie(response, name):
    morsel = response.cookies.get(name)
    if morsel is None:
        return None
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }


# Static files are not collected here; their storage is not what this test is about.
static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
    client = Client(HTTP_HOST="example.com")
    url = reverse(settings.LOGIN_URL)
    plain = client.get(url)
    page = client.get(url, secure=True)
    login = client.post(url, fields, secure=True)
print(json.dumps({
    "settings": {"DEBUG": settings.DEBUG, "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE},
    "deploy_check": deploy_check,
    "plain": [plain.status_code, plain.get("Location", "")],
    "page": page.status_code,
    "headers": {name: page.get(name, "") for name in (
        "Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options",
        "Referrer-Policy", "X-Frame-Options", "Cross-Origin-Opener-Policy",
    )},
    "csrf_cookie": cookie(page, settings.CSRF_COOKIE_NAME),
    "login": login.status_code,
    "session_cookie": cookie(login, settings.SESSION_COOKIE_NAME),
}))
"""


@pytest.fixture(scope="module")
def production_responses():
    result = run_with_production_settings(PRODUCTION_REQUESTS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https(production_responses):
    status, location = production_responses["plain"]
    assert status == 301
    assert location.startswith("https://example.com/")


def test_production_responses_carry_the_security_headers(production_responses):
    assert production_responses["page"] == 200
    headers = production_responses["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_cookies_are_secure(production_responses):
    assert production_responses["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production_responses["login"] == 302  # signed in
    assert production_responses["session_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}


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
