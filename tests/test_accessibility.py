"""The accessibility gate: axe-core (from npm) in the system Chromium on every kind's served pages.

Every implemented kind is served the production way (see `served.py`) once per auth flavour, with its demo
data, and crawled: same-origin links from the home page, anonymous and then signed in, one page per URL
pattern (and set of query keys), a bounded number of pages. Every POST form on an audited page is sent
once blank (browser validation off) so that the page with the server's errors is audited too. A new kind
is audited as soon as it is implemented; one whose crawl finds too few pages fails, naming what it found.

Gate: no violation of the WCAG 2.2 A/AA rules axe-core knows (tags in `WCAG_TAGS`) nor of its best
practices, no ARIA or label reference to a missing id, and every page's title reads "Page · Site". Each
audited page is checked twice: at the desktop width in the light scheme, then on a phone (`PHONE`, 390 px
wide) with `prefers-color-scheme: dark` emulated, where axe-core runs again and the page must be no wider
than the screen (`document.documentElement.scrollWidth`). The
few paths left out are in `EXCEPTIONS`, each with its reason. The journeys a link cannot start (password
reset by email, sign-up and its email confirmation, a 404, a form refused for its CSRF token) are walked
too. Each run writes its pages and findings to artifacts/accessibility/<kind>-<flavour>.json.

When the kind's demo names a staff member (``staff_demo`` of its demo command, see `crawl.SETUP`), a staff
pass signs in as them and audits, the same way, the pages the staff's home page leads to that the signed-in
crawl did not reach (the staff dashboard, the moderation queue), their forms sent blank; with support
impersonation, it starts one from the staff pages, audits the page with its banner, and stops it.

The same served site is measured by Lighthouse (`lighthouse.py`: the home page and the kind's main
signed-in page, each category at least 0.95) and pictured for the README's gallery
(`scripts/screenshots.py`, into artifacts/screenshots/), so neither costs a site of its own.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from djstarter.templates import implemented_kinds

from . import lighthouse
from .crawl import Routes, setup_code, setup_result
from .generated import render
from .served import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    chromium,
    needs_chromium,
    npm_package,
    serve,
    served_env,
    shell,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "artifacts" / "accessibility"
SCREENSHOTS = REPO / "artifacts" / "screenshots"
AXE_CORE_VERSION = "4.14.1"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: axe-core's best practices are gated too: heading order, unique and complete landmarks, table headers.
TAGS = [*WCAG_TAGS, "best-practice"]

#: The auth flavours, as answer sets of `generated.COMBINATIONS`: pairwise over allauth and DRF, so both
#: sets of auth pages are audited and DRF's pages (links, forms) appear in one of them.
FLAVOURS = {"django-auth": "drf", "allauth": "allauth"}


def audited_sites(kinds: list[str]) -> list[tuple[str, str]]:
    """Each kind once, the flavours taking turns (pairwise over kind and flavour): a kind's own pages are
    the same in both flavours and the auth pages are the skeleton's, so every kind's pages and both
    flavours' auth pages are audited at half the cost of every pair. saas, the kind with the most
    signed-in pages, gets allauth."""
    flavours = list(FLAVOURS)
    order = sorted(kinds, key=lambda kind: kind == "saas")
    return [(kind, flavours[1 - (len(order) - 1 - index) % 2]) for index, kind in enumerate(order)]


#: Audits per served project and signed-in state (pages and blank-submitted forms), and the floor below
#: which a crawl has found too little to vouch for a kind.
MAX_AUDITS = 36
MIN_ROUTES = 6
MAX_FORMS_PER_PAGE = 3
EXCEPTED_SAMPLES = 2
#: The phone every page must fit, and the colour scheme audited on it (the desktop pass is light).
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 720}
CRAWL_SECONDS = 150
#: The staff pass (the demo's staff member, when the kind names one): audits and seconds at most.
STAFF_AUDITS = 12
STAFF_SECONDS = 60
#: Paths the gate leaves out, with the reason (one page of each is still audited, for the report only).
EXCEPTIONS: dict[str, str] = {
    "/api/": "DRF's browsable API and drf-spectacular's Swagger UI (with `use_drf`) are third-party markup "
    "(Bootstrap 3 and swagger-ui), served for developers; the API itself is JSON",
    "/admin/": "Django's admin: Django's own markup, for staff",
}
#: Not pages: assets, health checks, machine-readable feeds are skipped by content type anyway.
NOT_PAGES = ("/static/", "/media/", "/healthz/", "/__debug__/")
#: Pages a crawl from the home page cannot reach (a query typed by hand), per kind.
EXTRA_PATHS: dict[str, tuple[str, ...]] = {
    "blog": ("/search/?q=django",),
    "social": ("/search/?q=demo", "/search/people/?q=a"),  # posts found, and a list of people found
}
#: Forms (by the URL name of their action) the crawl sends once as they are, per kind, to reach the pages
#: behind them: an ecommerce cart and checkout are empty until something is added.
SUBMIT_AS_IS: dict[str, set[str]] = {"ecommerce": {"cart:add"}}
#: URL names every crawl must reach (anonymous, signed in), per flavour: the auth pages of the issue.
REQUIRED: dict[str, tuple[set[str], set[str]]] = {
    "django-auth": (
        {"login", "users:signup", "password_reset", "password_reset_done", "password_reset_confirm"},
        {"users:profile", "password_change"},
    ),
    "allauth": (
        {
            "account_login",
            "account_signup",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key",
            "account_email_verification_sent",
            "account_confirm_email",
        },
        {"users:profile", "account_change_password", "account_email"},
    ),
}

#: Runs axe-core on the page: violations of the WCAG A/AA rules, each with the nodes it found.
RUN_AXE = """async (tags) => {
    const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
    const results = await axe.run(document, options);
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 300),
                                              summary: n.failureSummary}))
    }));
}"""

#: The text-like fields of a form (what "blank" empties); checkboxes, radios, selects and files stay.
TEXT_FIELDS = """const textFields = form => [...form.elements].filter(e => e.tagName === 'TEXTAREA' ||
    (e.tagName === 'INPUT' && !['hidden', 'submit', 'button', 'reset', 'image', 'checkbox', 'radio', 'file']
        .includes(e.type)));"""
#: POST forms in the page's main content; only those with something to fill in are sent blank (never a
#: lone button: those delete, log out or rotate tokens), unless the kind names them in SUBMIT_AS_IS.
FORMS = f"""() => {{ {TEXT_FIELDS}
    return [...document.querySelectorAll('main form')].map((form, index) => ({{index, action: form.action,
        post: (form.getAttribute('method') || '').toLowerCase() === 'post',
        fields: textFields(form).length}})).filter(f => f.post);
}}"""
#: Sends a form with what it holds (its defaults), for the kind's SUBMIT_AS_IS forms.
#: In-place forms (htmx, core/in_place.py) are sent the plain way, which is what navigates: the fragment htmx
#: would swap in is the same markup as the page the plain post leads to.
PLAIN_SUBMIT = """const plainSubmit = (form, button) => {
    if (button && button.name) {
        const input = Object.assign(document.createElement('input'), {type: 'hidden'});
        form.append(Object.assign(input, {name: button.name, value: button.value}));
    }
    HTMLFormElement.prototype.submit.call(form);
};"""
SUBMIT_AS_IS_JS = f"""(index) => {{ {PLAIN_SUBMIT}
    const form = document.querySelectorAll('main form')[index];
    plainSubmit(form, form.querySelector('button[type=submit], button:not([type]), input[type=submit]'));
}}"""
SUBMIT_BLANK = f"""(index) => {{ {TEXT_FIELDS} {PLAIN_SUBMIT}
    const form = document.querySelectorAll('main form')[index];
    form.noValidate = true;
    for (const element of textFields(form)) element.value = '';
    plainSubmit(form, form.querySelector('button[type=submit], button:not([type]), input[type=submit]'));
}}"""

#: The actions of every POST form of the document (the impersonation banner sits outside ``main``).
STOP_FORM = """() => [...document.querySelectorAll('form')].map(form =>
    (form.getAttribute('method') || '').toLowerCase() === 'post' ? form.action : '')"""
SUBMIT_NTH_FORM = f"""(index) => {{ {PLAIN_SUBMIT}
    const form = document.querySelectorAll('form')[index];
    plainSubmit(form, form.querySelector('button[type=submit], button:not([type]), input[type=submit]'));
}}"""

#: ID references that point at nothing (axe-core only asks for a review of these): the attribute and id.
BROKEN_REFERENCES = """() => {
    const broken = [];
    const attributes = ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-errormessage', 'for'];
    for (const attribute of attributes) {
        for (const element of document.querySelectorAll(`[${attribute}]`)) {
            if (attribute === 'for' && element.tagName !== 'LABEL') continue;
            for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
                if (document.getElementById(id)) continue;
                broken.push(`${element.tagName.toLowerCase()}[${attribute}="${id}"]`);
            }
        }
    }
    return broken;
}"""

#: The login form sent with a wrong CSRF token (as after a token rotation in another tab).
REFUSED_FORM = """() => {
    const form = document.querySelector('main form');
    form.noValidate = true;
    form.querySelector('[name=csrfmiddlewaretoken]').value = 'x'.repeat(64);
    form.requestSubmit();
}"""

#: Fills a sign-up form as a new user would: an email, the password twice, a name everywhere else.
FILL_SIGNUP = """(password) => {
    for (const input of document.querySelectorAll('main form input')) {
        if (input.type === 'email') input.value = 'newcomer@example.com';
        else if (input.type === 'password') input.value = password;
        else if (['text', ''].includes(input.type) || input.type === undefined) input.value = 'newcomer';
    }
}"""


def mailed_link(mail: Path, marker: str) -> str | None:
    """The path of the first link containing `marker` in the emails the site sent (file backend)."""
    for message in sorted(mail.glob("*.log")) if mail.exists() else []:
        for url in re.findall(r"https?://\S+", message.read_text(errors="replace")):
            if marker in url:
                return urlsplit(url).path
    return None


def axe_core_script() -> Path:
    """axe-core from npm, pinned, installed once into a cached folder (DJSTARTER_TEST_AXE_CORE overrides)."""
    if override := os.environ.get("DJSTARTER_TEST_AXE_CORE"):
        return Path(override)
    folder = npm_package("axe-core", AXE_CORE_VERSION, REPO / ".cache")
    return folder / "node_modules" / "axe-core" / "axe.min.js"


def screenshots() -> Any:
    """scripts/screenshots.py, the module both the gallery's CLI and this gate use to picture a site."""
    name = "djstarter_screenshots"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / "screenshots.py")
        assert spec and spec.loader
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def axe_violations(page: Any, axe: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe)
    assert page.evaluate("() => axe.version") == AXE_CORE_VERSION
    return list(page.evaluate(RUN_AXE, TAGS))


def on_phone_in_dark(page: Any, axe: str) -> tuple[int, list[dict[str, Any]]]:
    """The page's width on a phone and axe-core's findings there, in the dark colour scheme; the page is
    left at the desktop width in the light scheme."""
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme="dark")
    try:
        width = int(page.evaluate("() => document.documentElement.scrollWidth"))
        violations = axe_violations(page, axe)
    finally:
        page.set_viewport_size(DESKTOP)
        page.emulate_media(color_scheme="light")
    return width, [{**violation, "where": f"dark, {PHONE['width']} px"} for violation in violations]


@dataclass
class Audit:
    state: str  # anonymous | signed-in | staff
    how: str  # page | blank form
    url: str
    route: str
    title: str
    violations: list[dict[str, Any]]
    phone_width: int = 0  # document.documentElement.scrollWidth at PHONE's width


@dataclass
class Crawl:
    page: Any
    base: str
    routes: Routes
    axe: str
    site_name: str
    audits: list[Audit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Excepted prefix -> sampled path -> the rule ids axe-core reports there (not gated).
    excepted: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    seen: set[tuple[str, str, str]] = field(default_factory=set)
    as_is: set[str] = field(default_factory=set)  # the kind's SUBMIT_AS_IS
    seconds: float = 0.0
    capped: list[str] = field(default_factory=list)

    def route(self, url: str) -> str:
        return self.routes.name(url)

    def key(self, state: str, url: str, how: str) -> tuple[str, str, str]:
        """One page per URL pattern and set of query keys (`?page=2` is one more page, `?page=3` not)."""
        return state, self.routes.key(url), how

    def internal(self, url: str) -> str | None:
        """The URL without its fragment when it is this site's page to audit; None otherwise."""
        if not url.startswith(self.base + "/"):
            return None
        url = url.split("#", 1)[0]
        path = urlsplit(url).path
        for prefix in EXCEPTIONS:
            if path.startswith(prefix):
                self.excepted.setdefault(prefix, {})
                if len(self.excepted[prefix]) < EXCEPTED_SAMPLES and path not in self.excepted[prefix]:
                    self.excepted[prefix][path] = []  # audited at the end, for the report
                return None
        return None if path.startswith(NOT_PAGES) else url

    def axe_violations(self) -> list[dict[str, Any]]:
        return axe_violations(self.page, self.axe)

    def on_phone_in_dark(self) -> tuple[int, list[dict[str, Any]]]:
        return on_phone_in_dark(self.page, self.axe)

    def audit(self, state: str, how: str, source: str) -> None:
        violations = self.axe_violations()
        phone_width, dark_violations = self.on_phone_in_dark()
        violations += dark_violations
        for broken in self.page.evaluate(BROKEN_REFERENCES):
            self.problems.append(f"{state} {how} {source}: {broken} names no element")
        title = " ".join(self.page.title().split())
        page_part, separator, site = title.rpartition(" · ")
        if not (separator and page_part.strip() and site == self.site_name):
            self.problems.append(f"{source}: the title {title!r} does not read 'Page · {self.site_name}'")
        self.audits.append(Audit(state, how, source, self.route(source), title, violations, phone_width))

    def visit(self, url: str, state: str) -> bool:
        """Open and audit one page (unless its pattern was audited); False when it is not an HTML page."""
        response = self.page.goto(url)
        status = response.status if response else 0
        if status >= 400:
            self.problems.append(f"{state} {url} answered {status}")
            return False
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            return False
        final = self.page.url
        if self.key(state, final, "page") in self.seen:
            return False
        self.seen.add(self.key(state, final, "page"))
        self.audit(state, "page", final)
        return True

    def submit_forms(self, url: str, state: str, budget: int) -> list[str]:
        """Send each POST form of the page once blank (no browser validation) and audit the answer.

        A form whose action the kind lists in SUBMIT_AS_IS is sent as it is instead (once per state); the
        links of the page it leads to are returned, for the crawl to follow.
        """
        links: list[str] = []
        forms = self.page.evaluate(FORMS)
        blank = [form for form in forms if form["fields"] and self.route(form["action"]) not in self.as_is]
        as_is = [form for form in forms if self.route(form["action"]) in self.as_is]
        for form in [*blank[:MAX_FORMS_PER_PAGE], *as_is]:
            sent_as_is = form in as_is
            how = "form sent as is" if sent_as_is else f"blank form {form['index']}"
            key = self.key(state, form["action"] if sent_as_is else url, how)
            if key in self.seen or len(self.state_audits(state)) >= budget:
                continue
            self.seen.add(key)
            self.page.goto(url)
            with self.page.expect_navigation():
                self.page.evaluate(SUBMIT_AS_IS_JS if sent_as_is else SUBMIT_BLANK, form["index"])
            self.audit(state, how, self.page.url if sent_as_is else url)
            if sent_as_is:
                links += self.links()
        return links

    def error_pages(self, login_url: str) -> None:
        """The shared error pages: a page that does not exist, a form refused for its CSRF token."""
        response = self.page.goto(self.base + "/no-such-page-for-the-audit/")
        assert response and response.status == 404, response and response.status
        self.audit("anonymous", "not found (404)", self.page.url)
        self.page.goto(self.base + login_url)
        with self.page.expect_navigation() as navigation:
            self.page.evaluate(REFUSED_FORM)
        assert navigation.value and navigation.value.status == 403, navigation.value
        self.audit("anonymous", "refused form (CSRF, 403)", self.page.url)

    def password_reset(self, reset_url: str, email: str, mail: Path) -> None:
        """Ask for the reset email, follow its link, audit each step (the new-password form sent blank)."""
        self.page.goto(self.base + reset_url)
        self.page.fill("main form input[name=email]", email)
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")
        self.audit("anonymous", "password reset: sent", self.page.url)

        link = wait_for(lambda: mailed_link(mail, "reset"), 20, "the password reset email")
        self.page.goto(self.base + link)  # the token is traded for a session and a plain URL
        self.audit("anonymous", "password reset: link", self.page.url)
        self.submit_forms(self.page.url, "anonymous", MAX_AUDITS + MAX_FORMS_PER_PAGE)

    def sign_up(self, signup_url: str, mail: Path) -> None:
        """Sign up a new account and audit where that leads (with allauth: the email confirmation too)."""
        self.page.goto(self.base + signup_url)
        self.page.evaluate(FILL_SIGNUP, PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")
        self.audit("anonymous", "signed up", self.page.url)
        if link := mailed_link(mail, "confirm-email"):
            self.page.goto(self.base + link)
            self.audit("anonymous", "sign-up email link", self.page.url)

    def sample_exceptions(self) -> None:
        for paths in self.excepted.values():
            for path in paths:
                self.page.goto(self.base + path)
                self.page.wait_for_load_state("networkidle")
                paths[path] = sorted({violation["id"] for violation in self.axe_violations()})

    def state_audits(self, state: str) -> list[Audit]:
        return [audit for audit in self.audits if audit.state == state]

    def links(self) -> list[str]:
        # A link with ``download`` is a file (saas's single-use export archive), not a page to audit.
        hrefs = self.page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
        return [url for href in hrefs if (url := self.internal(href))]

    def run(
        self, state: str, start: list[str], deadline: float, *, budget: int = MAX_AUDITS, new_to: str = ""
    ) -> None:
        """Audit the pages linked from ``start``, breadth-first; with ``new_to``, only pages whose pattern
        that state's crawl did not audit (the staff pass: what the demo user could not reach)."""

        def wanted(link: str) -> bool:
            return self.key(state, link, "page") not in self.seen and not (
                new_to and self.key(new_to, link, "page") in self.seen
            )

        queue = list(dict.fromkeys(start))
        queued = set(queue)
        while queue and time.monotonic() < deadline:
            if len(self.state_audits(state)) >= budget:
                self.capped.append(f"{state}: {len(queue)} URL(s) still queued after {budget} audits")
                break
            url = queue.pop(0)
            if not wanted(url) or not self.visit(url, state):
                continue
            current = self.page.url
            for link in self.links():
                if link not in queued and wanted(link):
                    queued.add(link)
                    queue.append(link)
            for link in self.submit_forms(current, state, budget):
                if link not in queued and wanted(link):
                    queued.add(link)
                    queue.append(link)
        if queue and time.monotonic() >= deadline:
            self.capped.append(f"{state}: {len(queue)} URL(s) still queued after the crawl's time")

    def staff_pass(self, staff: dict[str, Any], deadline: float) -> None:
        """Signed in as the demo's staff member: the pages the staff's home page links to that the signed-in
        crawl did not audit (and theirs), with their forms sent blank; then, when the kind has support
        impersonation, a page seen while impersonating (its banner), and the impersonation stopped."""
        self.page.goto(self.base + "/")
        start = [link for link in self.links() if self.key("signed-in", link, "page") not in self.seen]
        self.run("staff", start, deadline, budget=STAFF_AUDITS, new_to="signed-in")
        if staff.get("impersonate"):
            self.impersonate(staff["impersonate"], staff["stop_impersonating"])

    def impersonate(self, start_name: str, stop_name: str) -> None:
        """Send the first impersonation form of the staff pages, audit where it leads (the banner must offer
        to stop), stop, and check the staff member is back (no banner)."""
        for url in [audit.url for audit in self.state_audits("staff") if audit.how == "page"]:
            self.page.goto(url)
            forms = self.page.evaluate(FORMS)
            form = next((f for f in forms if self.route(f["action"]) == start_name), None)
            if form is None:
                continue
            with self.page.expect_navigation():
                self.page.evaluate(SUBMIT_AS_IS_JS, form["index"])
            self.page.wait_for_load_state()
            self.audit("staff", "impersonating", self.page.url)
            stop = self.page.evaluate(STOP_FORM)
            stops = [index for index, action in enumerate(stop) if self.route(action) == stop_name]
            if not stops:
                self.problems.append(f"impersonating, {self.page.url} offers no way to stop ({stop_name})")
                return
            with self.page.expect_navigation():
                self.page.evaluate(SUBMIT_NTH_FORM, stops[0])
            if any(self.route(action) == stop_name for action in self.page.evaluate(STOP_FORM)):
                self.problems.append(f"the impersonation did not stop: {self.page.url} still offers to stop")
            return
        self.problems.append(f"the staff pages hold no impersonation form ({start_name})")


def log_in(page: Any, base: str, login_url: str, username: str) -> None:
    page.goto(base + login_url)
    page.fill("main form input[name=login], main form input[name=username]", username)
    page.fill("main form input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("text=Log out").count() >= 1, page.content()[:3000]


def report(kind: str, flavour: str, crawl: Crawl, seconds: float) -> dict[str, Any]:
    summary = {
        "kind": kind,
        "flavour": flavour,
        "axe_core": AXE_CORE_VERSION,
        "tags": TAGS,
        "seconds": round(seconds, 1),
        "crawl_seconds": round(crawl.seconds, 1),
        "audited": [
            {
                "state": a.state,
                "how": a.how,
                "url": a.url,
                "route": a.route,
                "title": a.title,
                "violations": [v["id"] for v in a.violations],
                "phone_width": a.phone_width,
            }
            for a in crawl.audits
        ],
        "violations": sum(len(a.violations) for a in crawl.audits),
        "exceptions": {
            prefix: {"reason": EXCEPTIONS[prefix], "sampled": paths}
            for prefix, paths in crawl.excepted.items()
        },
        "problems": crawl.problems,
        "capped": crawl.capped,
    }
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{kind}-{flavour}.json").write_text(json.dumps(summary, indent=2))
    return summary


def describe(audits: list[Audit]) -> str:
    lines = []
    for audit in audits:
        for violation in audit.violations:
            where = f" ({violation['where']})" if "where" in violation else ""
            lines.append(f"{audit.state} {audit.how} {audit.url}{where}: [{violation['impact']}] "
                         f"{violation['id']}: {violation['help']}")  # fmt: skip
            for node in violation["nodes"]:
                lines.append(f"    {node['target']}: {node['html']}\n      {node['summary']}")
    return "\n".join(lines)


@needs_chromium
@pytest.mark.parametrize(("kind", "flavour"), audited_sites(implemented_kinds()))
def test_every_page_passes_axe_core(kind: str, flavour: str, tmp_path: Path) -> None:
    axe = axe_core_script().read_text(encoding="utf-8")
    lighthouse.lighthouse_folder()  # installed before the clock starts, like axe-core
    gallery = screenshots()
    started = time.monotonic()
    project = render(kind, FLAVOURS[flavour], tmp_path / "project")
    mail = tmp_path / "mail"
    env = served_env(
        project, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail)
    )
    # Migrations, static files, demo data, a signed-in user of its own (crawl.SETUP).
    setup = setup_result(shell(project, setup_code(PASSWORD), env))
    routes = Routes(setup["routes"])
    log = tmp_path / "server.log"
    with serve(project, env, log) as base, chromium(bypass_csp=True, viewport=DESKTOP) as context:
        # bypass_csp: axe-core is injected as an inline script, which the site's CSP rightly refuses.
        page = context.new_page()
        crawl = Crawl(page, base, routes, axe, " ".join(setup["site_name"].split()))
        crawl.as_is = SUBMIT_AS_IS.get(kind, set())
        crawl_started = time.monotonic()
        deadline = crawl_started + CRAWL_SECONDS
        extras = [base + path for path in EXTRA_PATHS.get(kind, ())]
        crawl.run("anonymous", [base + "/", base + setup["login_url"], *extras], deadline)
        crawl.password_reset(setup["reset_url"], setup["email"], mail)
        crawl.error_pages(setup["login_url"])
        crawl.sign_up(setup["signup_url"], mail)
        context.clear_cookies()
        extra_started = time.monotonic()
        pictures = gallery.capture(page, base, kind, routes.name, SCREENSHOTS, signed_in=False)
        extra_seconds = time.monotonic() - extra_started
        log_in(page, base, setup["login_url"], setup["username"])
        crawl.run("signed-in", [base + "/", *extras], deadline)
        extra_started = time.monotonic()
        pictures |= gallery.capture(page, base, kind, routes.name, SCREENSHOTS, signed_in=True)
        screenshot_seconds = extra_seconds + time.monotonic() - extra_started
        extra_started = time.monotonic()
        scores = lighthouse.audit(kind, base, pictures.get("signed-in", base + "/"), context.cookies(),
                                  CHROMIUM, CHROMIUM_ARGS, tmp_path / "lighthouse")  # fmt: skip
        lighthouse_seconds = time.monotonic() - extra_started
        # The narrow-screen layout (the header wraps, targets shrink) on the fullest page: signed-in home.
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(base + "/")
        crawl.audit("signed-in", "narrow screen (360 px)", page.url)
        page.set_viewport_size(DESKTOP)
        staff_started = time.monotonic()
        if setup["staff"]:  # the pages only staff reach, as the demo's staff member
            context.clear_cookies()
            log_in(page, base, setup["login_url"], setup["staff"]["username"])
            crawl.staff_pass(setup["staff"], staff_started + STAFF_SECONDS)
        staff_seconds = time.monotonic() - staff_started
        crawl.sample_exceptions()
        # The crawl's own time: the screenshots and Lighthouse are timed apart.
        crawl.seconds = time.monotonic() - crawl_started - screenshot_seconds - lighthouse_seconds
        server_log = log.read_text(errors="replace")
    summary = report(kind, flavour, crawl, time.monotonic() - started)
    print(json.dumps({key: summary[key] for key in ("kind", "flavour", "seconds", "violations", "capped")}))
    print(f"{lighthouse.line(scores)} ({lighthouse_seconds:.1f} s); "
          f"{2 * len(pictures)} screenshots ({screenshot_seconds:.1f} s); "
          f"staff pass: {len(crawl.state_audits('staff'))} audits ({staff_seconds:.1f} s)")  # fmt: skip

    assert "Traceback" not in server_log, server_log[-6000:]
    found = "\n".join(f"  {a.state} {a.how} {a.route}: {a.url}" for a in crawl.audits)
    routes = {audit.route for audit in crawl.audits if audit.how == "page"}
    assert len(routes) >= MIN_ROUTES, (
        f"{kind} ({flavour}): the crawl reached only {len(routes)} URL patterns (at least {MIN_ROUTES} "
        f"expected: is the home page linking to the kind's pages?); found:\n{found}"
    )
    for state, required in zip(("anonymous", "signed-in"), REQUIRED[flavour], strict=True):
        reached = {audit.route for audit in crawl.state_audits(state)}
        assert required <= reached, (
            f"{kind} ({flavour}): the {state} crawl missed {sorted(required - reached)}; found:\n{found}"
        )
    if setup["staff"]:
        staff_routes = {audit.route for audit in crawl.state_audits("staff") if audit.how == "page"}
        assert staff_routes, f"{kind}: the staff pass found no page the demo user could not reach:\n{found}"
    blank_forms = [a for a in crawl.audits if a.how.startswith("blank form")]
    assert len(blank_forms) >= 3, f"{kind} ({flavour}): too few forms sent blank; found:\n{found}"
    assert not crawl.problems, "\n".join(crawl.problems)
    too_wide = [a for a in crawl.audits if a.phone_width > PHONE["width"]]
    assert not too_wide, f"{kind} ({flavour}): pages wider than a {PHONE['width']} px phone:\n" + "\n".join(
        f"  {a.phone_width} px: {a.state} {a.how} {a.url}" for a in too_wide
    )
    assert not any(a.violations for a in crawl.audits), (
        f"{kind} ({flavour}): WCAG 2.2 A/AA violations:\n{describe(crawl.audits)}"
    )
    below = lighthouse.below_threshold(scores)
    assert not below, f"Lighthouse scores under {lighthouse.THRESHOLD}:\n" + "\n".join(below)
    missing = [shot.name for shot in gallery.SHOTS[kind] if shot.name not in pictures]
    assert not missing, f"{kind}: no link led to these pages of the screenshots: {missing}"


@needs_chromium
def test_axe_core_reports_what_the_gate_forbids() -> None:
    """The injected engine and the tags find known WCAG failures: the gate cannot pass by not looking."""
    axe = axe_core_script().read_text(encoding="utf-8")
    with chromium() as context:
        page = context.new_page()
        page.set_content(
            '<html><body><main><img src="x.png"><a href="/"></a><h3>Skipped levels</h3>'
            '<label for="q">Search</label><input id="q" aria-describedby="q_helptext"></main></body></html>'
        )
        page.add_script_tag(content=axe)
        found = {violation["id"] for violation in page.evaluate(RUN_AXE, TAGS)}
        broken = page.evaluate(BROKEN_REFERENCES)
    assert {"html-has-lang", "document-title", "image-alt", "link-name", "page-has-heading-one"} <= found, (
        found
    )
    assert broken == ['input[aria-describedby="q_helptext"]'], broken


@needs_chromium
def test_the_phone_pass_finds_overflow_and_what_only_the_dark_scheme_breaks() -> None:
    """The phone pass measures the page at 390 px in the dark scheme: a page wider than the phone and text
    unreadable only in the dark are found (the desktop, light pass sees neither)."""
    axe = axe_core_script().read_text(encoding="utf-8")
    with chromium(viewport=DESKTOP) as context:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><head><title>Sample</title><style>.wide { width: 600px; }'
            "@media (prefers-color-scheme: dark) { body { background: #000; } p { color: #222; } }</style>"
            "</head><body><main><h1>Sample</h1><p>Readable only in the light</p>"
            '<div class="wide">A fixed-width box</div></main></body></html>'
        )
        light = {violation["id"] for violation in axe_violations(page, axe)}
        width, dark = on_phone_in_dark(page, axe)
        assert page.viewport_size == DESKTOP
        assert page.evaluate("() => document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert "color-contrast" not in light, light
    assert "color-contrast" in {violation["id"] for violation in dark}, dark
    assert width > PHONE["width"], width


def test_the_lighthouse_gate_names_each_score_under_the_threshold() -> None:
    """A category under 0.95, or one Lighthouse could not score (None), fails the gate with the audits that
    cost it points; 0.95 itself passes."""
    page = {
        "url": "http://localhost/",
        "scores": {"performance": 0.95, "accessibility": 0.9, "best-practices": None, "seo": 1},
        "failing": [
            {"category": "accessibility", "audit": "color-contrast", "score": 0, "value": ""},
            {"category": "performance", "audit": "total-blocking-time", "score": 0.9, "value": "200 ms"},
        ],
    }
    below = lighthouse.below_threshold({"kind": "blog", "pages": {"home": page}})
    assert below == [
        "blog home http://localhost/: accessibility 0.9; color-contrast (0)",
        "blog home http://localhost/: best-practices None; ",
    ]
    assert lighthouse.line({"kind": "blog", "pages": {"home": page}}) == (
        "lighthouse blog: home performance=0.95 accessibility=0.9 best-practices=None seo=1"
    )
    login = {
        **page,
        "url": "http://localhost/accounts/login/?next=/my-posts/",
        "requested": "http://localhost/my-posts/",
        "scores": dict.fromkeys(lighthouse.CATEGORIES, 1),
    }
    assert lighthouse.below_threshold({"kind": "blog", "pages": {"signed-in": login}}) == [
        "blog signed-in: measured http://localhost/accounts/login/?next=/my-posts/, not http://localhost/my-posts/"
    ]
