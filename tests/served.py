"""Generated projects served the production way (Gunicorn, or Daphne for an ASGI project with WebSockets;
production settings, collectstatic, WhiteNoise)
and driven by the system Chromium through Playwright; shared by the services and accessibility tiers.

The services come from `.ci/services.sh` (which `.ci/run` sources): Chromium at DJSTARTER_TEST_CHROMIUM.
Playwright only drives it (`executable_path`); no browser is ever downloaded.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .generated import BIN, manage, production_env, run

CHROMIUM = os.environ.get("DJSTARTER_TEST_CHROMIUM", "")
#: The flags Chromium needs on this kind of machine (Playwright adds --headless and a fresh profile).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
PASSWORD = "correct-Horse-battery-7"

needs_chromium = pytest.mark.skipif(
    not CHROMIUM or not Path(CHROMIUM).exists(), reason="DJSTARTER_TEST_CHROMIUM is not set (.ci/services.sh)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], Any], timeout: float, what: str, log: Path | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-6000:] if log and log.exists() else ""
    raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}.\n{tail}")


@contextmanager
def background(
    project: Path, args: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server in its own process group; stop the whole group (TERM, then KILL) however the test ends."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                if process.poll() is not None:
                    break
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    continue


def served_env(project: Path, **extra: str) -> dict[str, str]:
    """Production settings, as a deployment sets them, served over plain HTTP on this machine.

    No mail server runs here: mail goes to Django's in-memory backend unless ``extra`` names another.
    """
    extra = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", **extra}
    return production_env(
        project,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=f"sqlite:///{project / 'served.sqlite3'}",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        PYTHONUNBUFFERED="1",
        **extra,
    )


def shell(project: Path, code: str, env: dict[str, str]) -> str:
    return run(
        project, str(BIN / "python"), "manage.py", "shell", "-c", textwrap.dedent(code), env=env, timeout=120
    )


def prepare(project: Path, env: dict[str, str]) -> None:
    """What a deployment does before starting the server: migrate and collect the static files."""
    manage(project, "migrate", "--noinput", env=env)
    manage(project, "collectstatic", "--noinput", env=env)


def uses_channels(project: Path) -> bool:
    """An ASGI project whose WebSockets go through Django Channels (the kind's `websocket_urls` hook)."""
    return "channels.routing" in (project / "config" / "asgi.py").read_text(encoding="utf-8")


@contextmanager
def serve(project: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """Serve the project as its README deploys it until the block ends; yields the base URL.

    Gunicorn (two workers) for a WSGI project; Daphne for one with WebSockets (Channels), since Gunicorn's
    sync workers cannot hold a socket open. The URL names `localhost`: Chromium keeps Secure cookies there
    over plain HTTP.
    """
    port = free_port()
    if uses_channels(project):
        command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    else:
        command = [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                   "--access-logfile", "-"]  # fmt: skip
    server_name = Path(command[0]).name

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2) as response:
                return response.status == 200 and json.loads(response.read()).get("status") == "ok"
        except (OSError, urllib.error.URLError, ValueError):
            return False

    with background(project, command, env, log) as server:
        what = f"{server_name} to answer /healthz/"
        wait_for(lambda: server.poll() is not None or healthy(), 60, what, log)
        assert server.poll() is None, log.read_text(errors="replace")[-6000:]
        yield f"http://localhost:{port}"


@contextmanager
def chromium(**context_options: Any) -> Iterator[Any]:
    """A Playwright browser context in the system Chromium (skips when the playwright package is missing)."""
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            context = browser.new_context(**context_options)
            context.set_default_timeout(20_000)
            context.set_default_navigation_timeout(30_000)
            yield context
        finally:
            browser.close()
