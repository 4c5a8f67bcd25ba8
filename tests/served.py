"""Generated projects served the production way (Gunicorn, or Daphne for an ASGI project with WebSockets;
production settings, collectstatic, WhiteNoise)
and driven by the system Chromium through Playwright; shared by the services and accessibility tiers.

The services come from `.ci/services.sh` (which `.ci/run` sources): Chromium at DJSTARTER_TEST_CHROMIUM.
Playwright only drives it (`executable_path`); no browser is ever downloaded.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from .crawl import Client, Routes, setup_code, setup_result
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

    No mail server runs here: mail goes to Django's in-memory backend unless ``extra`` names another;
    ``extra`` overrides any of these (the database, say).
    """
    return production_env(
        project,
        **{
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DATABASE_URL": f"sqlite:///{project / 'served.sqlite3'}",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "PYTHONUNBUFFERED": "1",
            **extra,
        },
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


#: The project's WSGI application behind what its reverse proxy does in a deployment: /media/ served from
#: MEDIA_ROOT (nginx's `location /media/`), so that uploaded and demo pictures load in the browser gates.
MEDIA_WSGI = """from django.conf import settings
from whitenoise import WhiteNoise

from config.wsgi import application as django_application

application = WhiteNoise(
    django_application, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL, autorefresh=True
)
"""


@contextmanager
def serve(project: Path, env: dict[str, str], log: Path, workers: int = 2) -> Iterator[str]:
    """Serve the project as its README deploys it until the block ends; yields the base URL.

    Gunicorn (``workers`` processes) for a WSGI project; Daphne for one with WebSockets (Channels), since
    Gunicorn's sync workers cannot hold a socket open (one process: its thread pool runs the views). The URL
    names `localhost`: Chromium keeps Secure cookies there over plain HTTP.
    """
    port = free_port()
    if uses_channels(project):
        command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    else:
        # The uploaded files (MEDIA_ROOT) are served as the reverse proxy of a deployment serves them.
        (log.parent / "served_media_wsgi.py").write_text(MEDIA_WSGI, encoding="utf-8")
        env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(log.parent), env.get("PYTHONPATH")]))}
        # A worker's timeout well above Gunicorn's 30 s: a browser gate's page can wait that long for CPU on a
        # busy 2-core machine (Chromium, Lighthouse and the tests' other processes), and a killed worker is a
        # failed gate, not a slow one.
        command = [str(BIN / "gunicorn"), "served_media_wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
                   str(workers), "--timeout", "120", "--access-logfile", "-"]  # fmt: skip
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


# --- One served project per kind and database, shared by the gates that drive a site over HTTP -----------

POSTGRES_URL = os.environ.get("DJSTARTER_TEST_POSTGRES_URL", "")
DATABASES = ("sqlite", "postgresql")
#: The answers of a gates' site: the API (DRF) and allauth on, so pages, forms and the API are all there;
#: Celery off (it needs a broker).
SITE_ANSWERS = {"use_drf": True, "use_allauth": True, "use_celery": False, "use_docker": False, "ci": "none"}
#: Processes serving a gates' site (Gunicorn): requests sent at once really run at once.
SITE_WORKERS = 3

#: Production settings with every throttle rate lifted (on PYTHONPATH as ``gate_settings``). 429 is
#: documented, but an API that answers 429 to most requests leaves its logic untested, and a burst of
#: identical requests answered 429 proves nothing about what the view does with them.
GATE_SETTINGS = """
from config.settings.production import *  # noqa: F403
from config.settings.production import REST_FRAMEWORK

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {scope: "1000000/hour" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
}
ACCOUNT_RATE_LIMITS = False  # allauth's (changing a password, managing emails), when it is installed
"""
#: Per kind: environment variables that lift the kind's own rate limits, like the throttles above.
KIND_ENV: dict[str, dict[str, str]] = {
    "social": {"SOCIAL_POST_LIMIT": "1000000/3600", "SOCIAL_FOLLOW_LIMIT": "1000000/3600"},
}


@dataclass
class Site:
    """A generated project served the production way, with its demo data and a signed-in user."""

    kind: str
    database: str
    project: Path
    env: dict[str, str]
    database_url: str
    log: Path
    base: str = ""
    setup: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False  # a gate has written since the demo data was loaded

    @property
    def routes(self) -> Routes:
        return Routes(self.setup["routes"])

    @property
    def token(self) -> str:
        return str(self.setup["token"])

    def fresh(self) -> Site:
        """The site with the demo data alone: a gate starts from the same rows whichever gate ran before."""
        if self.dirty:
            self.reset()
        return self

    def reset(self) -> None:
        """Every table emptied, the demo data and the signed-in user loaded again (a new API token)."""
        code = setup_code(PASSWORD, deploy=False, flush=True, user="first")
        self.setup = setup_result(shell(self.project, code, self.env))
        self.dirty = False

    def client(self, signed_in: bool = True, username: str = "") -> Client:
        """A client signed in as the demo user (or ``username``: the demo's staff member, say)."""
        client = Client(self.base)
        if signed_in:
            client.sign_in(self.setup["login_url"], username or self.setup["username"], PASSWORD)
        return client

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Token {self.token}"}, timeout=30)

    def row_counts(self) -> dict[str, int]:
        """Rows per table (Django's migration records left out), read straight from the database."""
        if self.database == "postgresql":
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as connection:
                return _counts(connection, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        import sqlite3

        connection = sqlite3.connect(self.database_url.removeprefix("sqlite:///"))
        try:
            return _counts(connection, "SELECT name FROM sqlite_master WHERE type = 'table'")
        finally:
            connection.close()


def _counts(connection: Any, list_tables: str) -> dict[str, int]:
    tables = [name for (name,) in connection.execute(list_tables) if name not in SKIPPED_TABLES]
    query = " UNION ALL ".join(f"SELECT '{table}', count(*) FROM \"{table}\"" for table in tables)
    return dict(connection.execute(query))


#: Bookkeeping, not the site's data: Django's migration records, SQLite's own tables.
SKIPPED_TABLES = {"django_migrations", "sqlite_sequence", "sqlite_stat1"}


def site_params(kinds: list[str], databases: tuple[str, ...] = DATABASES) -> list[Any]:
    """Parameters for the ``site`` fixture: one per kind and database, each kept on one xdist worker (its
    group), PostgreSQL ones marked ``postgres`` and skipped without a server."""
    params = []
    for kind in kinds:
        for database in databases:
            marks = [pytest.mark.xdist_group(f"site-{kind}-{database}")]
            if database == "postgresql":
                marks += [
                    pytest.mark.postgres,
                    pytest.mark.skipif(
                        not POSTGRES_URL, reason="set DJSTARTER_TEST_POSTGRES_URL (.ci/run starts PostgreSQL)"
                    ),
                ]
            params.append(pytest.param((kind, database), marks=marks, id=f"{kind}-{database}"))
    return params


@contextmanager
def open_site(kind: str, database: str, folder: Path) -> Iterator[Site]:
    """Render, deploy and serve ``kind`` on ``database`` until the block ends (then drop its database)."""
    from djstarter.generate import generate

    from .helpers import BASE_ANSWERS
    from .scale_out import create_database, drop_database

    project = generate({**BASE_ANSWERS, "project_kind": kind, **SITE_ANSWERS}, folder / "project", git=False)
    (project / "gate_settings.py").write_text(GATE_SETTINGS)
    name = f"djs_site_{kind}_{os.getpid()}"
    url = (
        create_database(POSTGRES_URL, name)
        if database == "postgresql"
        else f"sqlite:///{project / 'served.sqlite3'}"
    )
    env = served_env(
        project, DJANGO_SETTINGS_MODULE="gate_settings", PYTHONPATH=str(project), DATABASE_URL=url,
        **KIND_ENV.get(kind, {}),
    )  # fmt: skip
    try:
        site = Site(kind, database, project, env, url, folder / "server.log")
        site.setup = setup_result(shell(project, setup_code(PASSWORD, user="first"), env))
        with serve(project, env, site.log, workers=SITE_WORKERS) as base:
            site.base = base
            yield site
    finally:
        if database == "postgresql":
            drop_database(POSTGRES_URL, name)


def npm_package(name: str, version: str, cache: Path) -> Path:
    """The folder of npm package ``name@version`` (pinned), installed once into ``cache/<name>-<version>``:
    parallel workers wait on a lock, and the test skips when npm is missing (.ci/services.sh installs it)."""
    folder = cache / f"{name}-{version}"
    package = folder / "node_modules" / name / "package.json"
    if package.exists():
        return folder
    npm = shutil.which("npm")
    if not npm:
        pytest.skip(f"npm is not installed (it installs {name}; .ci/services.sh installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not package.exists():
            subprocess.run(
                [npm, "install", "--prefix", str(folder), "--no-save", "--no-package-lock", "--no-audit",
                 "--no-fund", f"{name}@{version}"],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
    return folder
