"""The SaaS kind scaled out: the generated project on PostgreSQL and Redis, two Gunicorn processes behind
nginx on 127.0.0.1, and a bounded load of signed-in page views and API calls across two organisations.

Shared by `test_scale_out.py` (the gate: no 5xx, no cross-organisation response, sessions and rate limits
shared by both processes) and `benchmarks/run.py` (requests per second and p95 latency).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .generated import BIN, manage
from .served import background, free_port, served_env, wait_for

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
#: The demo data's users and what belongs to their organisation (organizations/.../load_demo_data.py).
DEMO_PASSWORD = "demo-Password-123"  # passed to load_demo_data --password
ORGS = {
    "acme": {"user": "linus", "projects": {"Launch pad", "Mission control"}},
    "globex": {"user": "hank", "projects": {"Doomsday device"}},
}
#: Requests per key over the throttle probe (API_THROTTLE_KEY).
KEY_RATE = 30

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    log_format upstream '$status $upstream_addr $request_uri';
    access_log {tmp}/nginx-access.log upstream;
    upstream web {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Request-ID $request_id;
        }}
    }}
}}
"""


@dataclass
class LoadResult:
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    cross_org: list[str] = field(default_factory=list)
    signed_out: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(0.95 * (len(ordered) - 1))] * 1000 if ordered else 0.0


@dataclass
class Site:
    base: str  # nginx
    tmp: Path
    api_key: str  # Acme's demo key
    upstreams: tuple[str, str]


def _gunicorn(project: Path, env: dict[str, str], log: Path, port: int):
    command = [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "--threads", "4", "--access-logfile", "-"]  # fmt: skip
    return background(project, command, env, log)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def scaled_out(project: Path, tmp: Path, database_url: str, redis_url: str) -> Iterator[Site]:
    """Migrate and seed the project, start two Gunicorn processes and nginx in front; stop all after."""
    env = served_env(project)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CONN_MAX_AGE="60",
        TRUSTED_PROXY_COUNT="1",
        API_THROTTLE_KEY=f"{KEY_RATE}/hour",
        API_THROTTLE_USER="100000/hour",
        LOG_FORMAT="json",
    )
    manage(project, "migrate", "--noinput", env=env)
    manage(project, "collectstatic", "--noinput", env=env)
    seeded = manage(project, "load_demo_data", "--password", DEMO_PASSWORD, env=env)
    api_key = re.search(r"\(shown once\): (\S+)", seeded).group(1)
    ports = (free_port(), free_port())
    port = free_port()
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / name).mkdir(exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, first=ports[0], second=ports[1], port=port))
    with ExitStack() as stack:
        for index, upstream in enumerate(ports):
            log = tmp / f"gunicorn-{index}.log"
            server = stack.enter_context(_gunicorn(project, env, log, upstream))
            url = f"http://127.0.0.1:{upstream}/readyz/"
            wait_for(
                lambda server=server, url=url: server.poll() is not None or _ready(url), 60, "/readyz/", log
            )
            assert server.poll() is None, log.read_text(errors="replace")[-4000:]
        nginx = stack.enter_context(background(tmp, [NGINX, "-c", str(conf), "-p", str(tmp)], env,
                                               tmp / "nginx.log"))  # fmt: skip
        wait_for(lambda: nginx.poll() is not None or _ready(f"http://127.0.0.1:{port}/readyz/"), 30,
                 "nginx", tmp / "nginx-error.log")  # fmt: skip
        assert nginx.poll() is None, (tmp / "nginx.log").read_text(errors="replace")
        yield Site(f"http://127.0.0.1:{port}", tmp, api_key, tuple(f"127.0.0.1:{p}" for p in ports))


def log_in(site: Site, username: str) -> str:
    """A real login through nginx; returns the Cookie header (production cookies are Secure, so the
    client sends them by hand over plain HTTP)."""
    import httpx

    with httpx.Client(base_url=site.base, timeout=30) as client:
        page = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        csrf = page.cookies["csrftoken"]
        response = client.post(
            "/accounts/login/",
            data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Cookie": f"csrftoken={csrf}", "Referer": f"{site.base}/accounts/login/"},
        )
        assert response.status_code == 302, (response.status_code, response.text[:2000])
        return f"csrftoken={csrf}; sessionid={response.cookies['sessionid']}"


def run_load(site: Site, total: int = 2000, concurrency: int = 16, time_limit: float = 180) -> LoadResult:
    """``total`` requests (fixed), ``concurrency`` at a time, stopped at ``time_limit`` seconds: for each
    organisation's member, their project list page, a project page, the API list, and the other
    organisation's project list (which must be 404). Every response is checked for the other
    organisation's data."""
    import httpx

    cookies = {org: log_in(site, spec["user"]) for org, spec in ORGS.items()}
    other = {"acme": "globex", "globex": "acme"}
    plan = []
    for index in range(total):
        org = ("acme", "globex")[index % 2]
        kind = ("page", "api", "dashboard", "foreign")[(index // 2) % 4]
        plan.append((org, kind))
    result = LoadResult()

    async def one(client: httpx.AsyncClient, org: str, kind: str) -> None:
        path = {
            "page": f"/o/{org}/projects/",
            "api": f"/api/v1/o/{org}/projects/",
            "dashboard": f"/o/{org}/",
            "foreign": f"/o/{other[org]}/projects/",
        }[kind]
        started = time.perf_counter()
        response = await client.get(path, headers={"Cookie": cookies[org]})
        result.latencies.append(time.perf_counter() - started)
        result.requests += 1
        result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
        label = f"{org} {kind} {path} -> {response.status_code}"
        if response.status_code >= 500:
            result.server_errors.append(label)
        if response.status_code in (301, 302):
            result.signed_out.append(label)  # a session one process did not know
        foreign_names = ORGS[other[org]]["projects"]
        if kind == "foreign":
            if response.status_code != 404:
                result.cross_org.append(label)
        elif any(name in response.text for name in foreign_names):
            result.cross_org.append(label + " (another organisation's data)")
        elif kind == "api" and response.status_code == 200:
            names = {project["name"] for project in response.json()["results"]}
            if not names <= ORGS[org]["projects"]:
                result.cross_org.append(f"{label} {names}")

    async def main() -> None:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=site.base, timeout=30, limits=limits) as client:
            queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
            for item in plan:
                queue.put_nowait(item)

            async def worker() -> None:
                while not queue.empty():
                    org, kind = queue.get_nowait()
                    await one(client, org, kind)

            await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), time_limit)

    started = time.perf_counter()
    asyncio.run(main())
    result.seconds = time.perf_counter() - started
    return result


def throttle_probe(site: Site, extra: int = 10) -> list[int]:
    """``KEY_RATE + extra`` API calls with one key, alternating between the processes (nginx round robin):
    the statuses. Shared counters allow exactly KEY_RATE; per-process ones would allow up to twice that."""
    import httpx

    statuses = []
    with httpx.Client(base_url=site.base, timeout=30) as client:
        for _ in range(KEY_RATE + extra):
            response = client.get(
                "/api/v1/o/acme/projects/", headers={"Authorization": f"Api-Key {site.api_key}"}
            )
            statuses.append(response.status_code)
    return statuses


def upstream_counts(site: Site) -> dict[str, int]:
    counts = dict.fromkeys(site.upstreams, 0)
    for line in (site.tmp / "nginx-access.log").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] in counts:
            counts[parts[1]] += 1
    return counts


def create_database(admin_url: str, name: str) -> str:
    """A fresh PostgreSQL database (dropped first if a previous run left it); returns its URL."""
    base = admin_url.rsplit("/", 1)[0]
    _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(admin_url, f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def drop_database(admin_url: str, name: str) -> None:
    _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _psql(url: str, sql: str) -> None:
    code = textwrap.dedent(f"""
        import psycopg
        with psycopg.connect({url!r}, autocommit=True) as connection:
            connection.execute({sql!r})
    """)
    subprocess.run([str(BIN / "python"), "-c", code], check=True, capture_output=True, timeout=60)
