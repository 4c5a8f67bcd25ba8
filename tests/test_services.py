"""Generated projects against the real services their users run: Redis with the project's own Celery
worker, and the site served the production way (Gunicorn, or Daphne for WebSockets; production settings,
collectstatic, WhiteNoise)
driven by a headless Chromium.

The services come from `.ci/services.sh` (which `.ci/run` sources): Redis at DJSTARTER_TEST_REDIS_URL and
Chromium at DJSTARTER_TEST_CHROMIUM. Without them these tests skip, saying why.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import textwrap
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from djstarter.templates import implemented_kinds

from .generated import BIN, manage, render, run
from .helpers import BASE_ANSWERS
from .served import (
    PASSWORD,
    background,
    chromium,
    needs_chromium,
    prepare,
    serve,
    served_env,
    shell,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]

REDIS_URL = os.environ.get("DJSTARTER_TEST_REDIS_URL", "")
REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
SLUG = BASE_ANSWERS["project_slug"]

needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="DJSTARTER_TEST_REDIS_URL is not set (.ci/services.sh)"
)


# --------------------------------------------------------------------------------------------------------
# Redis + the project's real Celery worker.

#: The file email backend, writing where EMAIL_FILE_PATH (environment) says. The generated settings do
#: not read EMAIL_FILE_PATH from the environment, so this shim (on PYTHONPATH) passes it in.
MAIL_SHIM = """
import os

from django.core.mail.backends.filebased import EmailBackend as FileBasedBackend


class EmailBackend(FileBasedBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", os.environ["EMAIL_FILE_PATH"])
        super().__init__(*args, **kwargs)
"""


@dataclass(frozen=True)
class CeleryScenario:
    """How to make a kind's app enqueue its domain task, and how to recognise the email it sends."""

    combination: str  # of COMBINATIONS, with use_celery on
    trigger: str  # `manage.py shell -c` code; runs in the web process, so on_commit enqueues for real
    expected: tuple[str, ...]  # strings the email the worker sends must contain


CELERY_SCENARIOS: dict[str, CeleryScenario] = {
    "blog": CeleryScenario(
        combination="celery",
        trigger=f"""
            from django.contrib.auth import get_user_model
            from django.test import Client
            from django.urls import reverse
            from {SLUG}.blog.models import Post

            User = get_user_model()
            author = User.objects.create_user("author", "author@example.com", "{PASSWORD}")
            reader = User.objects.create_user("reader", "reader@example.com", "{PASSWORD}")
            post = Post.objects.create(
                author=author, title="Served by Celery", body="Body.", status="published"
            )
            client = Client()
            client.force_login(reader)
            url = reverse("blog:comment_create", args=[post.slug])
            response = client.post(url, {{"body": "A comment for the worker"}}, secure=True)
            assert response.status_code == 302, (response.status_code, response.content[:2000])
            print("TRIGGERED")
        """,
        expected=("author@example.com", "Served by Celery"),
    ),
    "social": CeleryScenario(
        combination="celery",
        trigger=f"""
            from django.contrib.auth import get_user_model
            from django.test import Client
            from django.urls import reverse

            User = get_user_model()
            User.objects.create_user("ben", "ben@example.com", "{PASSWORD}")
            ana = User.objects.create_user("ana", "ana@example.com", "{PASSWORD}", name="Ana")
            client = Client()
            client.force_login(ana)
            data = {{"body": "Hello @ben, sent by Celery", "visibility": "public"}}
            response = client.post(reverse("posts:create"), data, secure=True)
            assert response.status_code == 302, (response.status_code, response.content[:2000])
            print("TRIGGERED")
        """,
        expected=("ben@example.com", "Ana mentioned you"),
    ),
    "todo_api": CeleryScenario(
        combination="all-on",  # the API kind needs DRF
        trigger=f"""
            from datetime import timedelta

            from django.contrib.auth import get_user_model
            from django.utils import timezone
            from {SLUG}.tasks.models import Task
            from {SLUG}.tasks.tasks import send_due_tomorrow_digests

            owner = get_user_model().objects.create_user("owner", "owner@example.com", "{PASSWORD}")
            Task.objects.create(owner=owner, title="Due tomorrow via Celery",
                                due_date=timezone.localdate() + timedelta(days=1))
            send_due_tomorrow_digests.delay()
            print("TRIGGERED")
        """,
        expected=("owner@example.com", "Due tomorrow via Celery"),
    ),
    "ecommerce": CeleryScenario(
        combination="celery",
        trigger=f"""
            import uuid
            from decimal import Decimal

            from django.contrib.auth import get_user_model
            from django.test import Client
            from {SLUG}.cart.models import Cart
            from {SLUG}.cart.services import add, summarize
            from {SLUG}.catalogue.models import Category, Product, Variant
            from {SLUG}.orders.models import ShippingMethod
            from {SLUG}.orders.quote import quote_of

            customer = get_user_model().objects.create_user("customer", "customer@example.com", "{PASSWORD}")
            tea = Category.objects.create(name="Tea")
            product = Product.objects.create(category=tea, name="Served by Celery")
            variant = Variant.objects.create(product=product, sku="CEL-1", name="Tin", price=Decimal("7.50"),
                                             in_stock=3)
            shipping = ShippingMethod.objects.create(name="Standard", price=Decimal("2.50"))
            cart = Cart.objects.create(user=customer)
            add(cart, variant, 2)
            quote = quote_of(summarize(cart, shipping.price), shipping, cart).sign()  # what the page shows
            client = Client()
            client.force_login(customer)
            data = {{"full_name": "Ada", "email": "customer@example.com", "address_line1": "1 Road",
                     "postcode": "1000", "city": "Town", "country": "Land", "shipping_method": shipping.pk,
                     "payment_method": "bank_transfer", "checkout_token": str(uuid.uuid4()),
                     "quote": quote, "place": "1"}}
            response = client.post("/checkout/", data, secure=True)
            assert response.status_code == 302, (response.status_code, response.content[:2000])
            print("TRIGGERED")
        """,
        expected=("customer@example.com", "Served by Celery", "€17.50"),
    ),
    "saas": CeleryScenario(
        combination="celery",
        trigger=f"""
            from django.contrib.auth import get_user_model
            from {SLUG}.invitations.services import invite
            from {SLUG}.organizations.services import create_organization

            owner = get_user_model().objects.create_user("owner", "owner@example.com", "{PASSWORD}")
            organization = create_organization(name="Served by Celery", owner=owner)
            # Commits, then enqueues send_invitation(organization_id, invitation_id) for the worker.
            invite(organization=organization, email="invitee@example.com", role="member", actor=owner,
                   actor_role="owner")
            print("TRIGGERED")
        """,
        expected=("invitee@example.com", "Served by Celery"),
    ),
}


def redis_db_url(index: int) -> str:
    """One Redis database per kind, so parallel workers never take each other's tasks."""
    base = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") > 2 else REDIS_URL
    return f"{base}/{index}"


@needs_redis
@pytest.mark.parametrize("kind", implemented_kinds())
def test_celery_worker_runs_the_domain_task(kind: str, tmp_path: Path) -> None:
    if kind not in CELERY_SCENARIOS:
        pytest.skip(f"no Celery scenario written for {kind}")
    scenario = CELERY_SCENARIOS[kind]
    project = render(kind, scenario.combination, tmp_path / "project")
    broker = redis_db_url(1 + implemented_kinds().index(kind) % 15)
    import redis  # the generated group's dependency: installed in the tool's venv

    redis.Redis.from_url(broker).flushdb()
    (tmp_path / "shim").mkdir()
    (tmp_path / "shim" / "djstarter_test_mail.py").write_text(MAIL_SHIM)
    mail_dir = tmp_path / "mail"
    env = served_env(
        project,
        REDIS_URL=broker,
        CELERY_BROKER_URL=broker,
        CELERY_RESULT_BACKEND=broker,
        EMAIL_BACKEND="djstarter_test_mail.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        PYTHONPATH=str(tmp_path / "shim"),
    )
    manage(project, "migrate", "--noinput", env=env)

    # The beat schedule loads, and names only tasks the worker registers.
    check = run(project, str(BIN / "python"), "-c", textwrap.dedent("""
        import json
        import django
        django.setup()
        from config.celery import app
        app.loader.import_default_modules()
        schedule = app.conf.beat_schedule
        registered = sorted(name for name in app.tasks if not name.startswith("celery."))
        tasks = sorted(entry["task"] for entry in schedule.values())
        print("LOADED=" + json.dumps({"schedule": tasks, "registered": registered}))
    """), env=env)  # fmt: skip
    loaded = json.loads(next(line for line in check.splitlines() if line.startswith("LOADED="))[7:])
    assert loaded["schedule"], f"{kind}: CELERY_BEAT_SCHEDULE is empty"
    assert set(loaded["schedule"]) <= set(loaded["registered"]), loaded

    log = tmp_path / "worker.log"
    # The README's worker command; one process is enough for a test.
    command = [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=info", "--pool=solo",
               "--without-gossip", "--without-mingle"]  # fmt: skip
    with background(project, command, env, log) as worker:
        wait_for(lambda: worker.poll() is not None or " ready." in log.read_text(errors="replace"), 60,
                 "the Celery worker to be ready", log)  # fmt: skip
        assert worker.poll() is None, log.read_text(errors="replace")[-6000:]
        assert "TRIGGERED" in shell(project, scenario.trigger, env)

        def delivered() -> str:
            for path in mail_dir.glob("*.log") if mail_dir.exists() else []:
                text = path.read_text(errors="replace")
                if all(part in text for part in scenario.expected):
                    return text
            return ""

        email = wait_for(delivered, 60, f"the worker's email containing {scenario.expected}", log)
        worker_log = log.read_text(errors="replace")
    assert "succeeded" in worker_log, worker_log[-6000:]
    assert "Subject:" in email


# --------------------------------------------------------------------------------------------------------
# The site served like production, in a real browser.


def _sign_up_and_log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.com")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("text=Log out").count() >= 1, page.content()[:3000]
    _log_out(page)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("text=Log out").count() >= 1, page.content()[:3000]


def _log_out(page: Any) -> None:
    page.click("text=Log out")
    page.wait_for_load_state()
    assert page.locator("text=Log in").count() >= 1, page.content()[:3000]


def blog_scenario(page: Any, base: str, mail: Path) -> None:
    _sign_up_and_log_in(page, base, "ada")
    page.goto(f"{base}/write/")
    page.fill("#id_title", "Hello from Chromium")
    page.fill("#id_excerpt", "Written through the form by a headless browser.")
    page.fill("#id_body", "This post was created by the services test tier.")
    page.select_option("#id_status", "published")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/")
    assert page.locator("text=Hello from Chromium").count() >= 1, page.content()[:3000]


def ecommerce_scenario(page: Any, base: str, mail: Path) -> None:
    """A visitor fills a cart, signs up (the cart follows them in), checks out and finds the order."""
    page.goto(f"{base}/")
    page.click("text=Ethiopia Yirgacheffe")
    page.fill("#id_quantity", "2")
    page.click("main form button[type=submit]")
    # In place (htmx): the page stays, and its live region says what the cart change did.
    page.wait_for_selector("#cart-status >> text=added to your cart")
    _sign_up_and_log_in(page, base, "linus")
    page.goto(f"{base}/cart/")
    assert page.locator("main >> text=Ethiopia Yirgacheffe").count() >= 1, page.content()[:3000]
    page.click("text=Check out")
    page.wait_for_load_state()
    page.fill("#id_address_line1", "1 Main Street")
    page.fill("#id_postcode", "10115")
    page.fill("#id_city", "Berlin")
    page.fill("#id_country", "Germany")
    page.click("button[name=place]")
    page.wait_for_load_state()
    assert page.locator("text=Please transfer").count() >= 1, page.content()[:3000]
    page.goto(f"{base}/orders/")
    assert page.locator("text=Pending payment").count() >= 1, page.content()[:3000]


def todo_api_scenario(page: Any, base: str, mail: Path) -> None:
    _sign_up_and_log_in(page, base, "grace")
    page.goto(f"{base}/")
    page.click("text=Create my token")
    page.wait_for_load_state()
    token = page.locator("#api-token").inner_text().strip()
    assert len(token) == 40, token
    page.goto(f"{base}/")


def _invitation_path(mail: Path) -> str:
    for path in sorted(mail.glob("*.log")) if mail.exists() else []:
        if found := re.search(r"/invitations/[^/\s]+/", path.read_text(errors="replace")):
            return found.group(0)
    return ""


def saas_scenario(page: Any, base: str, mail: Path) -> None:
    """An owner with two organisations invites a member to one; the member accepts in a second browser
    context and sees that organisation's projects only."""
    _sign_up_and_log_in(page, base, "olivia")
    for name, project in (("Other Co", "Other secret"), ("Acme", "Acme rocket")):
        page.goto(f"{base}/orgs/new/")
        page.fill("#id_name", name)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        page.goto(page.url.split("?")[0].rstrip("/") + "/projects/new/")
        page.fill("#id_name", project)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("h1", has_text=project).count() == 1, page.content()[:3000]
    page.goto(f"{base}/o/acme/members/")
    page.fill("#id_email", "mia@example.com")
    page.select_option("#id_role", "member")
    page.click("main form:has(#id_email) button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("text=Invitation sent to mia@example.com").count() == 1, page.content()[:3000]
    link = wait_for(lambda: _invitation_path(mail), 30, "the invitation email")

    invitee = page.context.browser.new_context()  # a second browser: the invitee's own cookies
    try:
        other = invitee.new_page()
        _sign_up_and_log_in(other, base, "mia")
        other.goto(f"{base}{link}")
        other.click("button[value=accept]")
        # In place (htmx): the answer becomes a welcome with the organisation's link.
        other.click("#invitation-answer >> text=Open its dashboard")
        other.wait_for_url("**/o/acme/")
        other.goto(f"{base}/o/acme/projects/")
        content = other.content()
        assert "Acme rocket" in content and "Other secret" not in content, content[:3000]
        assert other.request.get(f"{base}/o/other-co/projects/").status == 404
    finally:
        invitee.close()
    page.goto(f"{base}/o/acme/members/")
    assert page.locator("td", has_text="mia@example.com").count() == 1


def social_scenario(page: Any, base: str, mail: Path) -> None:
    """Two people in two browser contexts: Ana follows Ben; Ben's page learns it live; Ben posts,
    mentioning Ana; Ana's open notification page shows it without a reload, and her feed has the post."""
    _sign_up_and_log_in(page, base, "ana")
    ben = page.context.browser.new_context()
    ben.set_default_timeout(20_000)
    try:
        ben_page = ben.new_page()
        ben_errors: list[str] = []
        ben_page.on("pageerror", lambda error: ben_errors.append(str(error)))
        _sign_up_and_log_in(ben_page, base, "ben")
        ben_page.goto(f"{base}/notifications/")
        ben_page.wait_for_selector("html[data-notifications-live]")  # the WebSocket is open

        page.goto(f"{base}/people/ben/")
        page.click("main button:has-text('Follow')")
        # In place (htmx): the button becomes "Unfollow" without a reload.
        page.wait_for_selector("main button:has-text('Unfollow')")
        # Ben's page, never reloaded, shows the new follower and the badge.
        ben_page.wait_for_selector("#notification-list >> text=ana followed you")
        assert ben_page.locator(".site-header [data-unread-count]").inner_text() == "1"

        page.goto(f"{base}/notifications/")
        page.wait_for_selector("html[data-notifications-live]")
        ben_page.goto(f"{base}/")
        ben_page.fill("#id_body", "Hello @ana, live from Chromium")
        ben_page.click("main form button[type=submit]")
        ben_page.wait_for_load_state()
        page.wait_for_selector("#notification-list >> text=ben mentioned you")
        assert page.locator(".site-header [data-unread-count]").inner_text() == "1"
        page.goto(f"{base}/")
        assert page.locator("text=Hello @ana, live from Chromium").count() == 1, page.content()[:3000]
        assert not ben_errors, ben_errors
    finally:
        ben.close()


#: What a user does on the site of each kind (ending logged in), and the answers rendered: no allauth,
#: whose mandatory email verification a browser cannot follow here.
BROWSER_SCENARIOS: dict[str, tuple[str, Callable[[Any, str, Path], None]]] = {
    "blog": ("all-off", blog_scenario),
    "social": ("all-off", social_scenario),
    "todo_api": ("drf", todo_api_scenario),
    "ecommerce": ("all-off", ecommerce_scenario),
    "saas": ("drf", saas_scenario),
}
#: Management commands run before the site is served (e.g. a catalogue to shop from).
SETUP_COMMANDS: dict[str, tuple[str, ...]] = {"ecommerce": ("load_demo_data",)}
#: Pages checked after the home page screenshot (e.g. the API docs, which load their own JS and CSS).
EXTRA_PAGES: dict[str, tuple[str, str]] = {"todo_api": ("/api/docs/", ".swagger-ui .info")}


@needs_chromium
@pytest.mark.parametrize("kind", implemented_kinds())
def test_served_site_in_a_browser(kind: str, tmp_path: Path) -> None:
    if kind not in BROWSER_SCENARIOS:
        pytest.skip(f"no browser scenario written for {kind}")
    combination, scenario = BROWSER_SCENARIOS[kind]
    project = render(kind, combination, tmp_path / "project")
    # Emails the site sends (the shop's order confirmation, invitation links) go to files: there is no
    # mail server here.
    mail = tmp_path / "mail"
    env = served_env(
        project, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail)
    )
    prepare(project, env)
    for command in SETUP_COMMANDS.get(kind, ()):
        manage(project, command, env=env)
    log = tmp_path / "server.log"
    with serve(project, env, log) as base:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with chromium() as context:
            page = context.new_page()
            errors: list[str] = []
            bad_responses: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.on("response", lambda r: r.status >= 400 and bad_responses.append(f"{r.status} {r.url}"))

            scenario(page, base, mail)
            page.goto(f"{base}/")
            stylesheets = page.evaluate(
                """() => [...document.styleSheets]
                    .filter(sheet => sheet.href && sheet.href.includes('/static/'))
                    .map(sheet => ({href: sheet.href, rules: sheet.cssRules.length}))"""
            )
            assert stylesheets and all(sheet["rules"] > 0 for sheet in stylesheets), stylesheets
            css = page.request.get(stylesheets[0]["href"])
            assert css.status == 200 and "text/css" in css.headers["content-type"], css.status
            # WhiteNoise serves the hashed name with a far-future cache header.
            assert "max-age" in css.headers.get("cache-control", ""), css.headers
            page.screenshot(path=str(SCREENSHOTS / f"{kind}-home.png"), full_page=True)

            if kind in EXTRA_PAGES:
                path, selector = EXTRA_PAGES[kind]
                page.goto(f"{base}{path}")
                page.wait_for_selector(selector)
                page.goto(f"{base}/")
            _log_out(page)
            assert not bad_responses, bad_responses
            assert not errors, errors
        server_log = log.read_text(errors="replace")
    assert "Traceback" not in server_log, server_log[-6000:]
    assert (SCREENSHOTS / f"{kind}-home.png").stat().st_size > 1000


# --------------------------------------------------------------------------------------------------------
# WebSockets through Redis (the social kind): Daphne serves, the Redis channel layer carries.


def _session_cookies(project: Path, env: dict[str, str], usernames: list[str]) -> dict[str, str]:
    """Users made in the project, each signed in: their session cookie, as ``name=value``."""
    code = f"""
        import json
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        cookies = {{}}
        for username in {usernames!r}:
            user = get_user_model().objects.create_user(username, username + "@example.com", "{PASSWORD}")
            client = Client()
            client.force_login(user)
            name = settings.SESSION_COOKIE_NAME
            cookies[username] = name + "=" + client.cookies[name].value
        print("COOKIES=" + json.dumps(cookies))
    """
    output = shell(project, code, env)
    return json.loads(next(line for line in output.splitlines() if line.startswith("COOKIES="))[8:])


def _like_with_a_form(base: str, session: str, post_id: str) -> None:
    """An ordinary browser-like form POST: read the post page for the CSRF token, then press Like."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(urllib.request.Request(f"{base}/posts/{post_id}/", headers={"Cookie": session}))
    token = page.read().decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    csrf_cookie = next(cookie for cookie in jar if cookie.name == "csrftoken")
    headers = {
        "Cookie": f"{session}; csrftoken={csrf_cookie.value}",
        "Referer": f"{base}/",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    data = f"csrfmiddlewaretoken={token}&action=like".encode()
    opener.open(urllib.request.Request(f"{base}/posts/{post_id}/like/", data=data, headers=headers)).read()


@needs_redis
def test_websocket_notifications_through_redis(tmp_path: Path) -> None:
    """Two sockets of one person (two tabs), served by Daphne, receive a notification that a third,
    ordinary HTTP request causes: the message crosses processes through the Redis channel layer."""
    if "social" not in implemented_kinds():
        pytest.skip("the social kind is not implemented")
    import redis  # the generated group's dependency: installed in the tool's venv
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    project = render("social", "all-off", tmp_path / "project")
    channel_db = redis_db_url(15)
    redis.Redis.from_url(channel_db).flushdb()
    env = served_env(project, REDIS_URL=channel_db)
    prepare(project, env)
    cookies = _session_cookies(project, env, ["ana", "ben"])
    created = shell(project, f"""
        from django.contrib.auth import get_user_model
        from {SLUG}.posts.models import Post
        ana = get_user_model().objects.get(username="ana")
        print("POST=%d" % Post.objects.create(author=ana, body="Hi").pk)
    """, env)  # fmt: skip
    post_id = created.split("POST=")[1].split()[0]
    log = tmp_path / "server.log"
    with serve(project, env, log) as base:
        url = base.replace("http://", "ws://") + "/ws/notifications/"
        ana = {"Origin": base, "Cookie": cookies["ana"]}
        with (
            connect(url, additional_headers=ana, open_timeout=20) as tab1,
            connect(url, additional_headers=ana, open_timeout=20) as tab2,
        ):
            _like_with_a_form(base, cookies["ben"], post_id)
            for tab in (tab1, tab2):
                message = json.loads(tab.recv(timeout=20))
                assert message["notification"]["text"] == "ben liked your post", message
                assert message["unread"] == 1
        # No session: the socket is accepted, then closed with 4401 (the documented code, which the page's
        # script stops reconnecting on; a refused handshake would show the browser only 1006).
        with (
            connect(url, additional_headers={"Origin": base}, open_timeout=20) as anonymous,
            pytest.raises(ConnectionClosed) as closed,
        ):
            anonymous.recv(timeout=20)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        server_log = log.read_text(errors="replace")
    assert "Traceback" not in server_log, server_log[-6000:]
