"""Served pages against a bare view: requests per second and p95 latency, side by side in one run.

Each kind's project (all options) is deployed as its README says (production settings, migrations, static
files, demo data; Gunicorn with 2 workers, or Daphne for a project with WebSockets) on PostgreSQL when
``DJSTARTER_TEST_POSTGRES_URL`` is set, on SQLite otherwise, with Redis as the cache (``REDIS_URL``, as the
README's deployment steps set it) when ``DJSTARTER_TEST_REDIS_URL`` is set. A closed loop of ``CONCURRENCY``
clients (bare ``http.client`` connections, the signed-in ones sending the session as a fixed ``Cookie``
header, so that the load generator's own CPU per request is the same on every path) then requests, for
``SECONDS`` each in ``ROUNDS`` turns: the bare view (``/healthz/``: one database round trip, the same
server, settings and database), the anonymous home page, the kind's main signed-in page and its main API
list (signed in). Every answer must be a 200; the ratio to the bare view is the target (issue 25: at least
0.6).
"""

from __future__ import annotations

import http.client
import os
import secrets
import statistics
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import httpx

from tests.crawl import Client, setup_code, setup_result
from tests.scale_out import create_database, drop_database
from tests.served import PASSWORD, serve, served_env, shell

CONCURRENCY = 8
SECONDS = 4.0
#: Each path's ``SECONDS`` are split into this many bursts, taken in turns with the other paths'.
ROUNDS = 4
#: The bare view every page is compared with.
BARE = "/healthz/"
#: Each kind's main signed-in page (the one its screenshots and Lighthouse use) and main API list.
PAGES: dict[str, dict[str, str]] = {
    "blog": {"signed-in": "/my-posts/", "api": "/api/v1/posts/"},
    "ecommerce": {"signed-in": "/orders/", "api": "/api/v1/products/"},
    "saas": {"signed-in": "/o/acme/", "api": "/api/v1/o/acme/projects/"},
    "social": {"signed-in": "/", "api": "/api/v1/feed/"},
    "todo_api": {"signed-in": "/tasks/", "api": "/api/v1/tasks/"},
}


def cookie_header(cookies: httpx.Cookies) -> str:
    """The ``Cookie`` header a browser sends with the signed-in session (Secure cookies included: browsers
    send them to localhost over plain HTTP)."""
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies.jar)


def _load(base: str, path: str, cookie: str, seconds: float) -> dict[str, Any]:
    """One burst of load: every latency, the statuses that were not 200, and how long it took.

    Each client is a bare ``http.client`` connection sending a fixed ``Cookie`` header: the load generator
    shares the server's two cores, so its own work per request must not depend on the path. (An httpx
    client with a cookie jar spent about 40 % more of its CPU on a signed-in request than on the bare view,
    matching and storing cookies, and that time was taken from the server it measured.)
    """
    latencies: list[float] = []
    odd: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    url = urllib.parse.urlsplit(base)
    # What a browser sends that changes the server's work: compression (GZipMiddleware) and the session.
    headers = {"Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
    if cookie:
        headers["Cookie"] = cookie

    def client() -> None:
        connection = http.client.HTTPConnection(url.hostname or "localhost", url.port, timeout=30)
        try:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                took = time.perf_counter() - started
                if response.will_close:  # Gunicorn's sync workers close each connection; Daphne keeps it
                    connection.close()
                with lock:
                    latencies.append(took)
                    if response.status != 200:
                        odd[response.status] = odd.get(response.status, 0) + 1
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "odd": odd, "seconds": time.perf_counter() - started}


def summary(*bursts: dict[str, Any]) -> dict[str, Any]:
    """Requests per second, p95 latency and odd statuses over ``bursts`` of the same path."""
    latencies = [took for burst in bursts for took in burst["latencies"]]
    odd: dict[int, int] = {}
    for burst in bursts:
        for status, count in burst["odd"].items():
            odd[status] = odd.get(status, 0) + count
    seconds = sum(burst["seconds"] for burst in bursts)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
    return {"rps": len(latencies) / seconds, "p95_ms": p95 * 1000, "odd": odd}


def measure(project: Path, kind: str, work: Path) -> dict[str, dict[str, Any]]:
    """Deploy ``project`` and load its pages; returns page name -> {path, rps, p95_ms, odd}."""
    admin = os.environ.get("DJSTARTER_TEST_POSTGRES_URL", "")
    database = f"djs_bench_served_{kind}_{os.getpid()}"
    url = create_database(admin, database) if admin else f"sqlite:///{work / 'served.sqlite3'}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        redis = os.environ.get("DJSTARTER_TEST_REDIS_URL", "")
        # The deployment's REDIS_URL; the key prefix keeps this run's cache (and the API throttle's counts)
        # apart from any other run's.
        prefix = f"{database}_{secrets.token_hex(4)}"
        cache = {"REDIS_URL": redis, "CACHE_KEY_PREFIX": prefix} if redis else {}
        # One client makes the whole load: the API's throttle (1000 requests an hour by default) would
        # answer 429 within a run. Its cost is still measured; only its limit is raised.
        limits = {"API_THROTTLE_USER": "10000000/hour", "API_THROTTLE_ANON": "10000000/hour"}
        env = served_env(project, DATABASE_URL=url, **cache, **limits)
        setup = setup_result(shell(project, setup_code(PASSWORD), env))
        with serve(project, env, work / "server.log") as base:
            with Client(base) as browser:
                browser.sign_in(setup["login_url"], setup["username"], PASSWORD)
                cookie = cookie_header(browser.cookies)
            # The header alone must carry the session (the API list also answers anonymous clients).
            signed_in = httpx.get(f"{base}/", headers={"Cookie": cookie}, follow_redirects=True, timeout=30)
            assert "Log out" in signed_in.text, "the load's Cookie header does not sign its requests in"
            paths = {"bare view": (BARE, ""), "anonymous home": ("/", "")}
            paths["signed-in page"] = (PAGES[kind]["signed-in"], cookie)
            paths["API list"] = (PAGES[kind]["api"], cookie)
            for path, sent in paths.values():
                _load(base, path, sent, seconds=1.0)  # warm-up: templates, connections, caches
            # The paths take turns in short bursts, so that a change in the machine's load during the run
            # (another process starting) weighs on every path alike, not on the one measured at the time.
            bursts: dict[str, list[dict[str, Any]]] = {name: [] for name in paths}
            for _ in range(ROUNDS):
                for name, (path, sent) in paths.items():
                    bursts[name].append(_load(base, path, sent, SECONDS / ROUNDS))
            return {name: {"path": paths[name][0], **summary(*bursts[name])} for name in paths}
    finally:
        if admin:
            drop_database(admin, database)
