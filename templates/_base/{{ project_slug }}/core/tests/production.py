"""Production settings exercised for real, in a fresh interpreter.

``python -m <package>.core.tests.production`` loads ``config.settings.production`` with a
production-like environment, runs the deployment checklist, migrates an in-memory database, drives the
login page over HTTP and HTTPS with Django's test client and prints what it saw as one JSON object.

The test suite starts this run in the background as the session begins (see ``conftest.py``), so the
new interpreter's start-up overlaps the other tests instead of adding to the suite's wall time.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

#: The whole environment of the production run: nothing leaks in from the developer's shell or ``.env``.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_READ_DOT_ENV_FILE": "false",
    "SECRET_KEY": "a-production-like-secret-key-for-this-test-only-0123456789-abcdefgh",
    "ALLOWED_HOSTS": "example.com",
    "SITE_DOMAIN": "example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}
PROJECT_DIR = Path(__file__).resolve().parents[3]
PASSWORD = "a-long-unusual-passphrase-42"  # a throwaway account in an in-memory database


class BackgroundRun:
    """One production run in a child process: started early, its JSON report collected on demand."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._report: dict[str, Any] | None = None

    def start(self) -> None:
        if self._process is None:
            self._process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [sys.executable, "-m", __name__],
                cwd=PROJECT_DIR,
                env={"PATH": os.environ.get("PATH", ""), **PRODUCTION_ENV},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )

    def report(self) -> dict[str, Any]:
        if self._report is None:
            self.start()
            assert self._process is not None
            stdout, stderr = self._process.communicate(timeout=120)
            assert self._process.returncode == 0, f"the production run failed:\n{stderr}"
            self._report = json.loads(stdout.strip().splitlines()[-1])
        return self._report

    def stop(self) -> None:
        """Stop a run nobody waited for (e.g. the session ended early)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()


def _cookie(response: Any, name: str) -> dict[str, Any] | None:
    morsel = response.cookies.get(name)
    if morsel is None:
        return None
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }


def main() -> None:
    import django

    django.setup()

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
    user = get_user_model().objects.create_user("prod", "prod@example.com", PASSWORD)
    if "allauth" in settings.INSTALLED_APPS:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        fields = {"login": "prod", "password": PASSWORD}
    else:
        fields = {"username": "prod", "password": PASSWORD}

    # Static files are not collected here; their storage is not what this run is about.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
        client = Client(headers={"host": "example.com"})
        url = reverse(settings.LOGIN_URL)
        plain = client.get(url)
        page = client.get(url, secure=True)
        login = client.post(url, fields, secure=True)
    headers = (
        "Strict-Transport-Security",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
        "Permissions-Policy",
    )
    report = {
        "settings": {"DEBUG": settings.DEBUG, "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE},
        "deploy_check": deploy_check,
        "plain": [plain.status_code, plain.get("Location", "")],
        "page": page.status_code,
        "headers": {name: page.get(name, "") for name in headers},
        "csrf_cookie": _cookie(page, settings.CSRF_COOKIE_NAME),
        "login": login.status_code,
        "session_cookie": _cookie(login, settings.SESSION_COOKIE_NAME),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
