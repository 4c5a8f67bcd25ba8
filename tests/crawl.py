"""Crawling a served project: its URL patterns, its pages' links and forms, a signed-in HTTP client.

Shared by the gates that drive a served site (`served.py`): the accessibility gate (in Chromium) groups the
pages it audits with `Routes`; the query-string probe and the double-submit gate crawl over plain HTTP with
`Client` and `crawl`, and fill the forms they find with `Form.fill`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

#: Run inside the project (`manage.py shell`, production settings) before it is served or after a reset:
#: migrations and static files (with ``deploy``), demo data, a signed-in user whose password is known and
#: whose email is verified (allauth), an API token (with DRF), the login URL, and the URL patterns (regex,
#: name) to group pages by, and the tables Django made for many-to-many fields. ``{user}``: "demo" when the
#: kind has that user, else the first demo user ("first") or a new user with no data of its own ("new").
#: ``staff``: the demo's staff member when the kind's demo command names one (its ``staff_demo``: the
#: username, and the URL names of the forms that start and stop an impersonation, if the kind has them),
#: with the same password, for the gates' staff pass; else None.
SETUP = """
import json

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands, load_command_class
from django.shortcuts import resolve_url
from django.urls import URLResolver, get_resolver, reverse

if {deploy}:  # what a deployment does (one interpreter for all of it: the gates stay cheap)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
if {flush}:
    call_command("flush", interactive=False, verbosity=0)
call_command("load_demo_data", verbosity=0)
User = get_user_model()
user = User.objects.filter(**{{User.USERNAME_FIELD: "demo"}}).first()
if user is None and {user!r} == "first":
    user = User.objects.filter(is_staff=False).order_by("pk").first()
if user is None:
    user = User.objects.create_user(**{{User.USERNAME_FIELD: "auditor"}}, email="auditor@example.com")


def ready(person, email):  # a password the gates know, and a verified email (allauth)
    person.email = person.email or email
    person.set_password({password!r})
    person.save()
    if apps.is_installed("allauth.account"):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=person, email=person.email, defaults={{"verified": True, "primary": True}}
        )


ready(user, "auditor@example.com")
demo = load_command_class(get_commands()["load_demo_data"], "load_demo_data")
staff = dict(getattr(demo, "staff_demo", None) or {{}})
if staff:
    member = User.objects.get(**{{User.USERNAME_FIELD: staff["username"], "is_staff": True}})
    ready(member, "staff@example.com")
token = None
if apps.is_installed("rest_framework.authtoken"):
    from rest_framework.authtoken.models import Token

    token = Token.objects.get_or_create(user=user)[0].key


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.lstrip("^")
        if isinstance(pattern, URLResolver):
            inner = namespace + (pattern.namespace + ":" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, regex, inner)
        else:
            yield "^" + regex, namespace + pattern.name if pattern.name else regex


print("SETUP=" + json.dumps({{
    "username": user.get_username(),
    "email": user.email,
    "staff": staff or None,
    "token": token,
    "site_name": settings.SITE_NAME,
    "login_url": resolve_url(settings.LOGIN_URL),
    "signup_url": reverse("account_signup" if apps.is_installed("allauth.account") else "users:signup"),
    "reset_url": reverse(
        "account_reset_password" if apps.is_installed("allauth.account") else "password_reset"
    ),
    "routes": list(walk(get_resolver().url_patterns)),
    "m2m_tables": sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created
    ),
}}))
"""


def setup_code(password: str, *, deploy: bool = True, flush: bool = False, user: str = "new") -> str:
    return SETUP.format(deploy=deploy, flush=flush, user=user, password=password)


def setup_result(output: str) -> dict[str, Any]:
    import json

    return dict(json.loads(next(line for line in output.splitlines() if line.startswith("SETUP="))[6:]))


class Routes:
    """A site's URL patterns: which one a URL belongs to, and one key per pattern and set of query keys."""

    def __init__(self, patterns: Iterable[tuple[str, str]]) -> None:
        self.patterns = [(re.compile(regex), name) for regex, name in patterns]

    def name(self, url: str) -> str:
        path = urlsplit(url).path
        for regex, name in self.patterns:
            if regex.match(path.lstrip("/")):
                return name
        return f"(no route) {path}"

    def arguments(self, url: str) -> dict[str, str]:
        """The URL's named parts (``<slug:org_slug>`` gives {"org_slug": ...})."""
        path = urlsplit(url).path.lstrip("/")
        for regex, _ in self.patterns:
            if match := regex.match(path):
                return {name: value for name, value in match.groupdict().items() if value}
        return {}

    def key(self, url: str) -> str:
        """One page per URL pattern and set of query keys (`?page=2` is one more page, `?page=3` not)."""
        keys = ",".join(sorted({name for name, _ in parse_qsl(urlsplit(url).query) if name != "next"}))
        return f"{self.name(url)}?{keys}"


#: Not pages: assets, health checks, the debug toolbar.
NOT_PAGES = ("/static/", "/media/", "/healthz/", "/__debug__/")
#: Left out of the HTTP crawl: the admin (for staff; Django's own) and the API (its schema lists it).
NOT_CRAWLED = (*NOT_PAGES, "/admin/", "/api/")


@dataclass
class Field:
    name: str
    type: str  # the input type, "textarea" or "select"
    value: str = ""
    required: bool = False
    checked: bool = False
    options: list[str] = field(default_factory=list)  # a select's option values
    selected: list[str] = field(default_factory=list)
    multiple: bool = False
    attrs: dict[str, str] = field(default_factory=dict)


#: The smallest valid PNG (1x1, transparent): what a required image field gets.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


@dataclass
class Form:
    page: str  # the URL of the page it was found on
    action: str  # absolute
    method: str
    fields: list[Field] = field(default_factory=list)
    submitter: tuple[str, str] | None = None  # the name and value of the button that sends it

    def signature(self, routes: Routes) -> tuple[str, str, tuple[str, ...], tuple[str, str] | None]:
        """What makes two forms the same form: method, the action's URL pattern, field names, button."""
        names = tuple(sorted({f.name for f in self.fields if f.name != "csrfmiddlewaretoken"}))
        return self.method, routes.name(self.action), names, self.submitter

    def fill(self, password: str) -> tuple[list[tuple[str, str]], dict[str, tuple[str, bytes, str]]]:
        """The body a person sends: what the page pre-fills, and a sensible value in each required field left
        empty (an email where an email goes, the account's password where a password goes)."""
        data: list[tuple[str, str]] = []
        files: dict[str, tuple[str, bytes, str]] = {}
        radios_done: set[str] = set()
        for f in self.fields:
            if f.type in {"submit", "button", "reset", "image"}:
                continue
            if f.type == "file":
                if f.required:
                    files[f.name] = ("gates.png", PNG, "image/png")
                continue
            if f.type == "checkbox":
                if f.checked or f.required:
                    data.append((f.name, f.attrs.get("value", "on")))
                continue
            if f.type == "radio":
                if f.name not in radios_done:
                    radios_done.add(f.name)
                    group = [g for g in self.fields if g.type == "radio" and g.name == f.name]
                    chosen = next((g for g in group if g.checked and g.value), None)
                    if chosen is None and f.required:  # Django checks the blank choice of a required field
                        chosen = next((g for g in group if g.value), None)
                    if chosen is not None:
                        data.append((f.name, chosen.attrs.get("value", "on")))
                continue
            if f.type == "select":
                # A browser sends a single select's first option when none is selected.
                chosen = f.selected or ([] if f.multiple else f.options[:1])
                if f.required and not any(chosen):
                    chosen = [next((option for option in f.options if option), "")]
                data.extend((f.name, value) for value in (chosen if f.multiple else chosen[:1]))
                continue
            value = f.value.removeprefix("\n") if f.type == "textarea" else f.value  # HTML drops that newline
            if not value.strip() and (f.required or f.type == "password"):
                value = sensible_value(f, password)
            data.append((f.name, value))
        if self.submitter:
            data.append(self.submitter)
        return data, files


def sensible_value(f: Field, password: str) -> str:
    today = date.today()
    by_type = {
        "email": "gates@example.com",
        "password": password,
        "url": "https://example.com/",
        "number": f.attrs.get("min") or "1",
        "date": (today + timedelta(days=7)).isoformat(),
        "datetime-local": f"{today + timedelta(days=7)}T12:00",
        "time": "12:00",
        "tel": "+15555550100",
    }
    if f.type in by_type:
        return by_type[f.type]
    text = "Sent twice at once"
    return text[: int(f.attrs["maxlength"])] if f.attrs.get("maxlength", "").isdigit() else text


class PageParser(HTMLParser):
    """The links and forms of an HTML page (fields, pre-filled values, submit buttons)."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._buttons: list[tuple[str, str]] = []
        self._select: Field | None = None
        self._option: dict[str, Any] | None = None  # value attribute, selected, text so far
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and a.get("href") and "download" not in a:  # a download is a file, not a page
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = Form(self.url, urljoin(self.url, a.get("action") or self.url), method)
            self._buttons = []
        elif self._form is None:
            return
        elif tag in {"input", "button"} and a.get("name") is not None:
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind in {"submit", "image"}:
                self._buttons.append((a["name"], a.get("value", "")))
            else:
                field_ = Field(a["name"], kind, a.get("value", ""), "required" in a, "checked" in a, attrs=a)
                self._form.fields.append(field_)
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea", "", "required" in a, attrs=a)
            self._form.fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            multiple = "multiple" in a
            self._select = Field(a["name"], "select", required="required" in a, multiple=multiple, attrs=a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "form" and self._form is not None:
            self._finish_form()

    def _close_option(self) -> None:
        if self._option is None or self._select is None:
            return
        option, self._option = self._option, None
        value = option["value"] if option["value"] is not None else option["text"].strip()
        self._select.options.append(value)
        if option["selected"]:
            self._select.selected.append(value)

    def _finish_form(self) -> None:
        assert self._form is not None
        # A form with several named buttons is several forms (approve or decline, say).
        form = self._form
        for button in self._buttons or [None]:
            self.forms.append(Form(form.page, form.action, form.method, form.fields, button))
        self._form = None

    def close(self) -> None:
        super().close()
        if self._form is not None:
            self._finish_form()


class Client(httpx.Client):
    """An HTTP client for a served site over plain HTTP on the loopback interface."""

    def __init__(self, base: str, **kwargs: Any) -> None:
        super().__init__(base_url=base, timeout=30, event_hooks={"response": [self._loopback]}, **kwargs)
        self.base = base

    def _loopback(self, response: httpx.Response) -> None:
        """Send the site's Secure cookies back over plain HTTP, as browsers do for localhost (the hook runs
        after the response's cookies are stored, before a redirect is followed)."""
        for cookie in self.cookies.jar:
            cookie.secure = False

    def page(self, url: str) -> tuple[httpx.Response, PageParser]:
        response = self.get(url, follow_redirects=True)
        parser = PageParser(str(response.url))
        if "text/html" in response.headers.get("content-type", ""):
            parser.feed(response.text)
            parser.close()
        return response, parser

    def sign_in(self, login_url: str, username: str, password: str) -> None:
        _, page = self.page(login_url)
        form = next(
            f for f in page.forms if f.method == "post" and any(x.type == "password" for x in f.fields)
        )
        data = dict(form.fill(password)[0])
        data.update({next(x.name for x in form.fields if x.name in {"login", "username"}): username})
        data["password"] = password
        answer = self.post(form.action, data=data, follow_redirects=True)
        assert answer.status_code == 200 and self.signed_in(), (
            f"cannot sign in as {username}: {answer.text[:2000]}"
        )

    def signed_in(self) -> bool:
        return (
            "sessionid" in {cookie.name for cookie in self.cookies.jar}
            and "Log out" in self.get("/", follow_redirects=True).text
        )


@dataclass
class Page:
    url: str
    route: str
    status: int
    forms: list[Form]


@dataclass
class Crawl:
    """What a crawl found: one page per route key, every form, and the query keys each route is given."""

    pages: list[Page] = field(default_factory=list)
    params: dict[str, set[str]] = field(default_factory=dict)  # route name -> query keys seen for it
    capped: str = ""

    def forms(self, routes: Routes, method: str = "post") -> list[Form]:
        """One form per signature (the first found), in the order the crawl found them."""
        unique: dict[Any, Form] = {}
        for page in self.pages:
            for form in page.forms:
                if form.method == method:
                    unique.setdefault(form.signature(routes), form)
        return list(unique.values())


def crawl(
    client: Client,
    routes: Routes,
    start: Iterable[str],
    *,
    max_pages: int,
    seconds: float,
    per_route: int = 1,
    skip: Collection[str] = (),
) -> Crawl:
    """Breadth-first over same-origin links from ``start``: ``per_route`` pages per route key (a profile
    page shows other forms for another person), within the bounds. Links to the route keys in ``skip`` are
    not followed (the staff pass visits only what the demo user's crawl could not reach)."""
    found = Crawl()
    queue = list(dict.fromkeys(client.base + url if url.startswith("/") else url for url in start))
    queued: set[str] = set(queue)
    visits: dict[str, int] = {}
    deadline = time.monotonic() + seconds

    def note_params(url: str, names: Iterable[str]) -> None:
        found.params.setdefault(routes.name(url), set()).update(names)

    while queue:
        if len(found.pages) >= max_pages or time.monotonic() > deadline:
            found.capped = f"{len(queue)} URL(s) left after {len(found.pages)} pages"
            break
        url = queue.pop(0)
        if visits.get(routes.key(url), 0) >= per_route:
            continue
        response, page = client.page(url)
        final = str(response.url)
        if not final.startswith(client.base) or urlsplit(final).path.startswith(NOT_CRAWLED):
            continue
        if final != url and visits.get(routes.key(final), 0) >= per_route:
            continue
        visits[routes.key(final)] = visits.get(routes.key(final), 0) + 1
        found.pages.append(Page(final, routes.name(final), response.status_code, page.forms))
        note_params(final, (name for name, _ in parse_qsl(urlsplit(final).query)))
        for form in page.forms:
            if form.method == "get":
                note_params(form.action, (f.name for f in form.fields))
        for link in page.links:
            link = link.split("#", 1)[0]
            if not link.startswith(client.base + "/") or urlsplit(link).path.startswith(NOT_CRAWLED):
                continue
            note_params(link, (name for name, _ in parse_qsl(urlsplit(link).query, keep_blank_values=True)))
            if routes.key(link) in skip:
                continue
            if link not in queued and visits.get(routes.key(link), 0) < per_route:
                queued.add(link)
                queue.append(link)
    return found
