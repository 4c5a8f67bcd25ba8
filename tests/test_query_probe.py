"""The query-string probe: every page and API read of each kind, with hostile values in its query string.

Every implemented kind is served the production way (`served.py`) on SQLite and on PostgreSQL (which
refuses a NUL byte in text and raises on numbers too big for its integer types where SQLite shrugs), with
its demo data. A crawl (`crawl.py`) finds the pages, anonymous and signed in as the demo user; with DRF,
the OpenAPI schema lists the API's reads (GET), each on a real row (`api.py`). Every query parameter a
page or read takes is set, one at a time, to each of ``VALUES``: the parameters its links and GET forms
use and the schema's. The ones lists commonly take (``COMMON``: q, page, cursor, search, ordering…) are
set too, all together once per value where the target does not advertise them (most pages ignore them;
one request per value keeps the probe within a minute a kind). A cursor is an opaque encoding (DRF's:
base64 of ``p=<position>``), so for a parameter named ``cursor`` the values are sent inside it too.

Gate: no 5xx, and no traceback in the server's log. Bad input is a 4xx, an empty result, or the
parameter ignored; never an error page.
"""

from __future__ import annotations

import base64
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import pytest

from djstarter.templates import implemented_kinds

from .api import Api
from .crawl import Client, crawl
from .served import Site, site_params

pytestmark = [pytest.mark.slow, pytest.mark.served]

#: What each parameter is set to, as sent (raw: the stray % is not percent-encoding anything).
VALUES = {"a NUL byte": "%00", "a 30-digit number": "1" * 30, "a stray %": "%"}
#: DRF's cursor holds base64 of a query string (``p`` a position, ``o`` an offset, ``r`` reverse).
CURSOR_VALUES = {
    f"a cursor whose {key} is {what}": quote(base64.b64encode(f"{key}={raw}".encode()).decode(), safe="")
    for key in ("p", "o")
    for what, raw in {"a NUL byte": "\x00", "a 30-digit number": "1" * 30, "a stray %": "%"}.items()
}
#: Parameters lists commonly take, probed on every page and read besides its own.
COMMON = ("q", "page", "cursor", "search", "ordering", "category", "tag", "sort", "before", "next")
MAX_PAGES = {"anonymous": 10, "signed in": 25}
THREADS = 4
SECONDS = 75


@dataclass
class Probe:
    targets: Counter[str] = field(default_factory=Counter)  # "pages" / "API reads" -> how many
    parameters: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)


def variants(url: str, own: set[str]) -> list[tuple[str, str]]:
    """(what, URL): each of the target's own parameters set alone to each value (the URL's other query
    kept), then the ``COMMON`` ones it does not advertise all together, once per value."""
    parts = urlsplit(url)
    kept = parse_qsl(parts.query, keep_blank_values=True)

    def with_values(names: list[str], raw: str) -> str:
        others = [f"{quote(key)}={quote(value)}" for key, value in kept if key not in names]
        return f"{parts.path}?" + "&".join([*others, *(f"{quote(name)}={raw}" for name in names)])

    found = []
    for name in sorted(own):
        values = {**VALUES, **(CURSOR_VALUES if name == "cursor" else {})}
        found += [(f"?{name}= {what}", with_values([name], raw)) for what, raw in values.items()]
    common = [name for name in COMMON if name not in own]
    found += [(f"?{'&'.join(common)} each {what}", with_values(common, raw)) for what, raw in VALUES.items()]
    return found


def probe(site: Site, deadline: float) -> Probe:
    result = Probe()
    requests: list[tuple[httpx.Client, str, str]] = []  # client, what, URL
    clients: list[httpx.Client] = []
    known: dict[str, list[str]] = {}  # URL parameter -> values in the crawled pages' URLs (an org's slug)
    for state, signed_in in (("anonymous", False), ("signed in", True)):
        client: Client = site.client(signed_in=signed_in)
        clients.append(client)
        found = crawl(
            client, site.routes, ["/", site.setup["login_url"]], max_pages=MAX_PAGES[state], seconds=30
        )
        if found.capped:
            result.capped.append(f"{state} crawl: {found.capped}")
        for page in found.pages:
            for name, value in site.routes.arguments(page.url).items():
                known.setdefault(name, []).append(value)
            names = found.params.get(page.route, set())
            result.targets["pages"] += 1
            result.parameters += len(names | set(COMMON))
            requests += [
                (client, f"{state} {page.route} {what}", url) for what, url in variants(page.url, names)
            ]
    if site.setup["token"]:
        api_client = site.api()
        clients.append(api_client)
        api = Api(api_client, known)
        for operation in api.operations(("get",)):
            if not operation.path or operation.template.startswith("/api/schema"):
                continue
            names = set(operation.parameters)
            result.targets["API reads"] += 1
            result.parameters += len(names | set(COMMON))
            requests += [(api_client, f"API {operation.template} {what}", url)
                         for what, url in variants(operation.path, names)]  # fmt: skip

    def send(request: tuple[httpx.Client, str, str]) -> tuple[str, str, int, str]:
        client, what, url = request
        if time.monotonic() > deadline:
            return what, url, 0, ""
        try:
            response = client.get(url)
        except httpx.HTTPError as error:
            return what, url, 599, f"{type(error).__name__}: {error}"
        return what, url, response.status_code, response.text[:300] if response.status_code >= 500 else ""

    with ThreadPoolExecutor(THREADS) as pool:
        for what, url, status, body in pool.map(send, requests):
            if status == 0:
                result.capped.append(f"time is up ({SECONDS} s) before {what}")
                continue
            result.statuses[status] += 1
            if status >= 500:
                result.failures.append(f"{what}: GET {url} -> {status} {' '.join(body.split())[:200]}")
    for client in clients:
        client.close()
    return result


@pytest.mark.parametrize("site", site_params(implemented_kinds()), indirect=True)
def test_no_query_string_value_breaks_a_page(site: Site) -> None:
    started = time.monotonic()
    log_size = site.fresh().log.stat().st_size
    result = probe(site, started + SECONDS)
    with site.log.open("rb") as log:
        log.seek(log_size)
        new_log = log.read().decode(errors="replace")
    sent = sum(result.statuses.values())
    targets = f"{result.targets['pages']} pages and {result.targets['API reads']} API reads"
    statuses = dict(sorted(result.statuses.items()))
    print(f"\n{site.kind} ({site.database}): {targets}, {result.parameters} parameters, {sent} requests in "
          f"{time.monotonic() - started:.0f} s; statuses {statuses}")  # fmt: skip
    for capped in result.capped[:3]:
        print(f"  capped: {capped}")
    assert result.targets["pages"] >= 5, f"{site.kind}: the crawl found too few pages to vouch for the kind"
    assert not result.failures, (
        f"{site.kind} ({site.database}): {len(result.failures)} requests failed:\n"
        + ("\n".join(result.failures[:40]))
    )
    assert "Traceback" not in new_log, new_log[new_log.find("Traceback") :][:6000]
