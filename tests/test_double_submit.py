"""The double-submit gate: every write a signed-in person can make, sent several times at once.

Every implemented kind is served the production way on PostgreSQL with several processes (`served.py`:
Gunicorn with ``SITE_WORKERS`` workers, or Daphne and its thread pool for a WebSocket kind), with its demo
data and its rate limits lifted (a burst answered 429 proves nothing about the view). Signed in as the
demo user, a crawl (`crawl.py`) finds every POST form: its CSRF token, what the page pre-fills, a sensible
value in each required field left empty. With DRF, every write the OpenAPI schema lists (POST, PUT, PATCH,
DELETE) is sent too, with the token, on a real row and with a valid body (`api.py`), and with one
``Idempotency-Key`` header for all the copies of a burst, as a client that retries sends it. Each one is sent
``BURST`` times at once (a double click, a retried request, two tabs), from a barrier in as many threads.

Gate, per burst:
- no 5xx, and no traceback in the server's log;
- the effect happens once: the database's row count per table is read before and after the burst, and no
  table grows by more than one row. A request that creates one row creates one row however often it is
  sent at once; the repeats must be refused (4xx, a form error) or find the work done (a redirect).
  Tables whose rows follow another row are not counted, their parent is: the tables Django makes for
  many-to-many fields (a post's tags), and the kind's ``FAN_OUT`` tables, each with its reason. Rows that
  shrink (a delete) are not counted: deleting the same row twice cannot delete more.
Limits: an effect that changes a value without adding a row (a quantity, a balance) is not counted here;
the kinds' own concurrency tests on PostgreSQL cover those.

Staff: when the kind's demo names a staff member (``staff_demo``, see `crawl.SETUP`), a staff pass signs in as
them and sends, the same way, the forms of the pages the demo user's crawl did not reach (a moderation
decision); with support impersonation, it starts one from the staff pages and stops it from the banner.

Order: writes that keep things first, then the crawl runs again (a checkout form appears once the cart
holds something) and the new forms are sent; then the API's writes, then the deleting ones, the account's
last (signing out, removing an email). When a burst signs the user out, the next one signs in again.
The crawl is bounded (``MAX_PAGES``) and the whole gate by ``SECONDS`` per kind.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest

from djstarter.templates import implemented_kinds

from .api import WRITES, Api, Operation
from .crawl import Form, PageParser, crawl
from .served import PASSWORD, Site, site_params

pytestmark = [pytest.mark.slow, pytest.mark.served]

BURST = 6
MAX_PAGES = 60
PAGES_PER_ROUTE = 3  # another person's profile page holds the follow form one's own does not
SECONDS = 90
#: The staff pass (when the kind's demo names a staff member): pages crawled and seconds at most.
STAFF_PAGES = 8
STAFF_SECONDS = 40
#: Per kind: tables whose rows follow a row of another table (counted there), with the reason.
FAN_OUT: dict[str, dict[str, str]] = {
    "social": {
        "notifications_notificationactor": "one row per person behind a grouped notification",
        "posts_mention": "one row per person a post mentions",
        "posts_postancestor": "one row per post above a reply (the thread's privacy closure)",
    },
    "saas": {
        "audit_auditevent": "the audit log records every request let through (a repeated save, a resent "
        "invitation): a record of requests, one per send; the effect's own table is counted",
    },
}
#: Per kind and write (the action's URL name): tables that grow by a row per person the one effect reaches,
#: with the reason (the effect's own table is counted).
FAN_OUT_OF: dict[str, dict[str, dict[str, str]]] = {
    "social": {
        "graph:moderate": {
            "notifications_notification": "one decision settles every open report of the same post or "
            "person, and each reporter is told (one notification each); the decision is counted",
        },
    },
}
#: Writes sent after the others (they delete, or end the session or the account), then the account's.
#: Blocking someone hides them and ends follows: it goes with the deleting writes.
DESTRUCTIVE = re.compile(r"delete|remove|revoke|leave|deactivate|destroy|block", re.IGNORECASE)
ACCOUNT = re.compile(r"logout|account|password|email|token", re.IGNORECASE)


#: Per kind: writes that rightly make a new row each time they are sent, identical or not (by the action's
#: URL name, or "METHOD /api/path/{template}"), with the reason: each send of a burst may add one row.
NEW_EACH_TIME: dict[str, dict[str, str]] = {}
#: Django's bookkeeping, not the site's data (not counted), with the reason.
BOOKKEEPING = {"django_session": "a password change starts a new session: each change of a burst does"}


@dataclass
class Burst:
    what: str
    statuses: list[int]
    grown: dict[str, int]
    refusal: str = ""  # the first 4xx answer, shortened: what the repeats were told
    traceback: str = ""
    problems: list[str] = field(default_factory=list)

    def check(self, not_counted: set[str], once: bool = True) -> None:
        """The gate: no 5xx, no traceback, no counted table grown by more than one row (by more than one row
        per send for a write that is new each time, ``once`` false)."""
        if errors := [status for status in self.statuses if status >= 500]:
            self.problems.append(f"{len(errors)} of {len(self.statuses)} answered {sorted(set(errors))}")
        limit = 1 if once else len(self.statuses)
        grown = self.grown.items()
        if twice := {table: rows for table, rows in grown if rows > limit and table not in not_counted}:
            self.problems.append(f"the effect happened more than once: {twice}")
        if self.traceback:
            self.problems.append("the server logged a traceback:\n" + self.traceback[:3000])

    def line(self) -> str:
        grown = ", ".join(f"{table} +{rows}" for table, rows in sorted(self.grown.items())) or "no new rows"
        refusal = f" — {self.refusal}" if self.refusal else ""
        return f"{self.what}: {sorted(self.statuses)} ({grown}){refusal}"


def send_at_once(client: httpx.Client, build: Any) -> list[httpx.Response | str]:
    """``BURST`` requests (``build()`` makes each) released together from a barrier."""
    requests = [build() for _ in range(BURST)]
    barrier = threading.Barrier(BURST)

    def send(request: httpx.Request) -> httpx.Response | str:
        barrier.wait(timeout=30)
        try:
            return client.send(request)
        except httpx.HTTPError as error:
            return f"{type(error).__name__}: {error}"

    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(send, requests))


def judge(site: Site, what: str, send: Any, target: str) -> Burst:
    before, log_size = site.row_counts(), site.log.stat().st_size
    responses = send()
    after = site.row_counts()
    grown = {
        table: rows - before.get(table, 0) for table, rows in after.items() if rows > before.get(table, 0)
    }
    with site.log.open("rb") as log:
        log.seek(log_size)
        new_log = log.read().decode(errors="replace")
    answered = [response for response in responses if isinstance(response, httpx.Response)]
    refused = [response for response in answered if 400 <= response.status_code < 500]
    burst = Burst(
        what,
        [response.status_code for response in answered],
        grown,
        " ".join(_text(refused[0]).split())[:160] if refused else "",
        new_log[new_log.find("Traceback") :] if "Traceback" in new_log else "",
    )
    if failed := [response for response in responses if isinstance(response, str)]:
        burst.problems.append(f"{len(failed)} of {BURST} got no answer: {failed[0]}")
    not_counted = set(site.setup["m2m_tables"]) | set(FAN_OUT.get(site.kind, {})) | set(BOOKKEEPING)
    not_counted |= set(FAN_OUT_OF.get(site.kind, {}).get(target, {}))
    burst.check(not_counted, once=target not in NEW_EACH_TIME.get(site.kind, {}))
    return burst


def _form_fields(body: dict[str, Any]) -> dict[str, list[str]]:
    """A JSON-like body as form fields (a list is a repeated field; JSON's true is "true")."""
    fields: dict[str, list[str]] = {}
    for name, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                fields.setdefault(name, []).append(str(item).lower() if isinstance(item, bool) else str(item))
    return fields


def _text(response: httpx.Response) -> str:
    """What a refusal says: a JSON body as it is, an HTML page's main content without its markup."""
    if "json" in response.headers.get("content-type", ""):
        return response.text
    main = re.search(r"<main.*?</main>", response.text, re.DOTALL)
    return re.sub(r"<[^>]+>", " ", main.group(0) if main else response.text)


def rank(text: str) -> int:
    return 2 if ACCOUNT.search(text) else 1 if DESTRUCTIVE.search(text) else 0


class Gate:
    def __init__(self, site: Site, deadline: float, username: str = "") -> None:
        self.site = site
        self.deadline = deadline
        self.username = username  # empty: the demo user
        self.client = site.client(username=username)
        self.routes = site.routes
        self.reached: set[str] = set()  # the route keys of the pages crawled
        self.bursts: list[Burst] = []
        self.skipped: list[str] = []
        self.sent: set[Any] = set()
        self.pages: list[str] = []  # where the forms sent were
        self.known: dict[str, list[str]] = {}  # URL parameter -> values in the crawled pages' URLs

    def describe(self, form: Form) -> str:
        button = f" [{form.submitter[0]}={form.submitter[1]}]" if form.submitter else ""
        return f"form {self.routes.name(form.action)}{button} on {self.routes.name(form.page)}"

    def form_rank(self, form: Form) -> int:
        return rank(f"{self.routes.name(form.action)} {form.submitter or ''}")

    def forms(self) -> list[Form]:
        """The forms not sent yet, keeping ones first. The pages where forms were sent are crawled first:
        what they show now may be new (a follow button once an unfollow went through)."""
        start = [*dict.fromkeys(self.pages), "/"]
        found = crawl(
            self.client, self.routes, start, max_pages=MAX_PAGES, seconds=30, per_route=PAGES_PER_ROUTE
        )
        for page in found.pages:
            self.reached.add(self.routes.key(page.url))
            for name, value in self.routes.arguments(page.url).items():
                self.known.setdefault(name, []).append(value)
        forms = [form for form in found.forms(self.routes) if form.signature(self.routes) not in self.sent]
        return sorted(forms, key=self.form_rank)

    def signed_in(self) -> None:
        if not self.client.signed_in():
            self.client.close()
            self.client = self.site.client(username=self.username)

    def send_form(self, form: Form) -> None:
        what = self.describe(form)
        self.sent.add(form.signature(self.routes))
        self.pages.append(form.page)
        self.signed_in()
        _, page = self.client.page(form.page)  # the page as it is now: its token, its current values
        current = next(
            (f for f in page.forms if f.signature(self.routes) == form.signature(self.routes)), None
        )
        if current is None:
            self.skipped.append(f"{what}: no longer on {form.page}")
            return
        data, files = current.fill(PASSWORD)

        fields: dict[str, list[str]] = {}
        for name, value in data:
            fields.setdefault(name, []).append(value)

        def build() -> httpx.Request:
            return self.client.build_request(
                "POST", current.action, data=fields, files=files or None, headers={"Referer": current.page}
            )

        target = self.routes.name(current.action)
        self.bursts.append(judge(self.site, what, lambda: send_at_once(self.client, build), target))

    def send_api(self, api: Api, operation: Operation) -> None:
        api.refresh()  # the rows as they are now: a cart line exists once one was added
        operation.path = api.real_path(operation.template)
        if not operation.path:
            self.skipped.append(f"{operation.name}: no row to send it to")
            return
        body = api.body(operation)
        what = f"API {operation.method.upper()} {operation.path}"
        content = {"json": body} if operation.json or body is None else {"data": _form_fields(body)}
        # A client that retries a write sends one Idempotency-Key with every copy (the skeleton's
        # idempotency app applies it once); without one, POST may rightly create a row per send.
        headers = {"Idempotency-Key": str(uuid.uuid4())}

        def build() -> httpx.Request:
            return api.client.build_request(
                operation.method.upper(), operation.path, headers=headers, **content
            )

        self.bursts.append(judge(self.site, what, lambda: send_at_once(api.client, build), operation.name))

    def run(self) -> None:
        first = self.forms()
        api = Api(self.site.api(), self.known) if self.site.setup["token"] else None
        operations = (
            sorted(api.operations(WRITES), key=lambda o: rank(f"{o.method} {o.template}")) if api else []
        )
        steps: list[Form | Operation | str] = [f for f in first if self.form_rank(f) == 0]
        steps += ["crawl again", *(op for op in operations if op.method != "delete")]
        steps += [f for f in first if self.form_rank(f) == 1]
        steps += [op for op in operations if op.method == "delete"]
        steps += [f for f in first if self.form_rank(f) == 2]  # the account's (its token too) come last
        for number, step in enumerate(steps):
            if time.monotonic() > self.deadline:
                self.skipped.append(f"time is up ({SECONDS} s): {len(steps) - number} of {len(steps)} left")
                break
            if step == "crawl again":
                steps[number + 1 : number + 1] = [f for f in self.forms() if self.form_rank(f) == 0]
            elif isinstance(step, Form):
                self.send_form(step)
            elif isinstance(step, Operation):
                assert api is not None
                self.send_api(api, step)


class StaffPass(Gate):
    """The writes only staff can make, as the demo's staff member (the kind's ``staff_demo``): the forms of
    the pages the staff's home page leads to that the demo user's crawl did not reach (a moderation
    decision), then, with support impersonation, starting one and stopping it (its banner's form), each sent
    ``BURST`` times at once like the others."""

    def __init__(self, site: Site, deadline: float, staff: dict[str, Any], demo: Gate) -> None:
        super().__init__(site, deadline, staff["username"])
        self.staff = staff
        self.skip = set(demo.reached)  # the demo user's pages
        self.sent = set(demo.sent)  # and the forms sent as them (signing out, say)

    def forms(self) -> list[Form]:
        _, home = self.client.page("/")
        start = [link for link in home.links if self.routes.key(link) not in self.skip]
        found = crawl(
            self.client, self.routes, start, max_pages=STAFF_PAGES, seconds=20, per_route=1, skip=self.skip
        )
        self.reached |= {self.routes.key(page.url) for page in found.pages}
        forms = [form for form in found.forms(self.routes) if form.signature(self.routes) not in self.sent]
        return sorted(forms, key=self.form_rank)

    def run(self) -> None:
        start_name, stop_name = self.staff.get("impersonate"), self.staff.get("stop_impersonating")
        forms = self.forms()
        for form in forms:
            if time.monotonic() > self.deadline:
                self.skipped.append(f"staff: time is up ({STAFF_SECONDS} s)")
                return
            # The account's own forms (signing out) are the demo user's pass's; the switch comes last.
            if self.routes.name(form.action) not in {start_name, stop_name} and self.form_rank(form) < 2:
                self.send_form(form)
        start = next((f for f in forms if self.routes.name(f.action) == start_name), None)
        if start_name and start is None:
            self.skipped.append(f"staff: the staff pages hold no impersonation form ({start_name})")
        if start is None:
            return
        self.send_form(start)  # now impersonating: the banner, on every page, offers to stop
        if not self.client.signed_in():
            # A repeat that finds its session cycled by the first copy (a sign-in as someone else) answers
            # with the session cookie deleted: the client is signed out, nothing else changed.
            self.skipped.append(
                "staff: the impersonation burst left the client signed out (its session cycled)"
            )
            self.signed_in()
            _, page = self.client.page(start.page)
            again = next(
                (f for f in page.forms if f.signature(self.routes) == start.signature(self.routes)), None
            )
            if again is not None:  # start it once, to stop it all at once
                data, _ = again.fill(PASSWORD)
                self.client.post(again.action, data=dict(data), headers={"Referer": again.page})
        if (stop := self.stop_form(stop_name)) is None:
            self.bursts[-1].problems.append(f"impersonating, the home page offers no stop ({stop_name})")
            return
        self.send_form(stop)
        self.signed_in()
        if self.stop_form(stop_name) is not None:
            self.bursts[-1].problems.append("the impersonation did not stop")

    def stop_form(self, stop_name: str) -> Form | None:
        _, page = self.client.page("/")
        return next((f for f in page.forms if self.routes.name(f.action) == stop_name), None)


@pytest.mark.parametrize("site", site_params(implemented_kinds(), ("postgresql",)), indirect=True)
def test_every_write_sent_at_once_takes_effect_once(site: Site) -> None:
    started = time.monotonic()
    site.fresh().dirty = True
    gate = Gate(site, started + SECONDS)
    gate.run()
    seconds = time.monotonic() - started
    if site.setup["staff"]:  # what only staff can do, on the pages the demo user could not reach
        staff = StaffPass(site, time.monotonic() + STAFF_SECONDS, site.setup["staff"], gate)
        staff.run()
        staff_seconds = time.monotonic() - started - seconds
        gate.bursts += [replace(burst, what=f"staff {burst.what}") for burst in staff.bursts]
        gate.skipped += staff.skipped
        print(f"\n{site.kind}: staff pass, {len(staff.bursts)} forms in {staff_seconds:.0f} s")
    forms = sum(burst.what.startswith("form") for burst in gate.bursts)
    print(f"\n{site.kind} ({site.database}): {forms} forms and {len(gate.bursts) - forms} API writes, "
          f"{BURST} at once each, in {seconds:.0f} s")  # fmt: skip
    for burst in gate.bursts:
        print(("  FAIL " if burst.problems else "  ok   ") + burst.line())
    for skipped in gate.skipped:
        print(f"  skipped: {skipped}")
    failures = [
        f"{burst.line()}\n    " + "\n    ".join(burst.problems) for burst in gate.bursts if burst.problems
    ]
    assert forms >= 3, f"{site.kind}: the crawl found too few forms to vouch for the kind"
    assert not failures, f"{site.kind}: {len(failures)} of {len(gate.bursts)} bursts failed:\n" + "\n".join(
        failures
    )


def test_the_gate_fails_a_burst_that_errs_or_takes_effect_twice() -> None:
    """The criterion itself, without a server: a 5xx, a traceback or a second row fails; one row (however
    the repeats are answered), rows of tables not counted, and deletions pass."""

    def problems(
        statuses: list[int], grown: dict[str, int], traceback: str = "", once: bool = True
    ) -> list[str]:
        burst = Burst("a write", statuses, grown, traceback=traceback)
        burst.check({"app_post_tags", "django_session"}, once)
        return burst.problems

    assert problems([302] * 6, {"app_follow": 1}) == []
    assert problems([201, 400, 400, 409, 302, 200], {"app_follow": 1, "app_post_tags": 3}) == []
    assert problems([302] * 6, {"django_session": 5}) == []
    assert problems([204, 404, 404, 404, 404, 404], {}) == []
    assert problems([201, 500, 500, 500, 500, 500], {"app_follow": 1}) == ["5 of 6 answered [500]"]
    assert problems([302] * 6, {"app_post": 6}) == ["the effect happened more than once: {'app_post': 6}"]
    assert problems([302] * 6, {}, "Traceback (most recent call last):")[0].startswith("the server logged")
    # A write that is new each time (NEW_EACH_TIME): one row per send passes, two per send do not.
    assert problems([302] * 6, {"app_post": 6}, once=False) == []
    assert problems([302] * 6, {"app_post": 12}, once=False) != []


def test_forms_are_filled_as_a_browser_sends_them() -> None:
    """What the page pre-fills, what a browser sends by default, a sensible value where one is required."""
    page = PageParser("http://localhost/people/ana/report/?post=9")
    page.feed("""<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">
        <input type="radio" name="reason" value="" required checked><input type="radio" name="reason"
        value="spam" required><select name="variant"><option value="3">250 g</option><option value="4">1 kg
        </option></select><select name="plan" required><option value="">---</option><option value="pro">Pro
        </option></select><textarea name="body" required>\n</textarea><textarea name="bio">\nHello</textarea>
        <input type="checkbox" name="remember"><input type="checkbox" name="terms" required>
        <input type="email" name="email" required><input type="password" name="password">
        <input type="number" name="quantity" value="1" min="1">
        <button name="action" value="like">Like</button></form>""")
    page.close()
    (form,) = page.forms
    assert form.action == "http://localhost/people/ana/report/?post=9" and form.submitter == (
        "action",
        "like",
    )
    data, files = form.fill("pw")
    assert dict(data) == {
        "csrfmiddlewaretoken": "t", "reason": "spam", "variant": "3", "plan": "pro",
        "body": "Sent twice at once", "bio": "Hello", "terms": "on", "email": "gates@example.com",
        "password": "pw", "quantity": "1", "action": "like",
    }  # fmt: skip
    assert files == {}
