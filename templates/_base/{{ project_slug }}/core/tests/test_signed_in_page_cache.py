"""Pages kept for signed-in users (core/page_cache.py, ``signed_in_page_cache``): one session's page never
reaches another, its CSRF tokens stay valid, and nothing that changed the visitor is kept."""

import re

import pytest
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token, rotate_token
from django.template import engines
from django.test import RequestFactory
from django.utils.crypto import get_random_string
from django.utils.functional import SimpleLazyObject, empty

from ...users.backends import MODEL_BACKEND
from ...users.tests.factories import UserFactory
from ..middleware import SignedInUserMiddleware
from ..page_cache import invalidate_pages, signed_in_page_cache

pytestmark = pytest.mark.django_db

PAGE = engines["django"].from_string('<form method="post">{% csrf_token %}</form>{{ count }}')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


class Counter:
    """A view that renders a form with a CSRF token and says how many times it ran (``then``: a step more)."""

    def __init__(self, then=None):
        self.calls = 0
        self.then = then

    def __call__(self, request):
        self.calls += 1
        response = HttpResponse(PAGE.render({"count": self.calls}, request))
        if self.then:
            self.then(request, response)
        return response


class Visitor:
    """A browser: a session signed in as ``user`` and a CSRF cookie."""

    def __init__(self, user):
        self.user = user
        self.session = SessionStore()
        self.session[SESSION_KEY] = str(user.pk)
        self.session[BACKEND_SESSION_KEY] = MODEL_BACKEND
        self.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        self.session.save()
        self.secret = get_random_string(32)

    def get(self, path="/page/"):
        request = RequestFactory().get(path)
        request.COOKIES[django_settings.CSRF_COOKIE_NAME] = self.secret
        request.META["CSRF_COOKIE"] = self.secret
        request.session = SessionStore(self.session.session_key)
        request.user = self.user
        request._messages = FallbackStorage(request)
        return request


def test_a_page_is_kept_per_session_until_its_group_changes():
    view = Counter()
    cached = signed_in_page_cache("tasks")(view)
    user = UserFactory()
    browser, other_browser = Visitor(user), Visitor(user)
    assert cached(browser.get()).content.endswith(b"1")
    assert cached(browser.get()).content.endswith(b"1")
    assert "Cookie" in cached(browser.get())["Vary"]
    assert cached(other_browser.get()).content.endswith(b"2")  # the same user elsewhere: its own page
    assert cached(Visitor(UserFactory()).get()).content.endswith(b"3")
    assert cached(browser.get("/page/?page=2")).content.endswith(b"4")
    invalidate_pages("other")
    assert cached(browser.get()).content.endswith(b"1")
    invalidate_pages("tasks")
    assert cached(browser.get()).content.endswith(b"5")
    assert cached(browser.get()).content.endswith(b"5")


def test_a_group_may_name_the_users_own_data():
    view = Counter()
    cached = signed_in_page_cache(lambda request: f"tasks:{request.user.pk}")(view)
    alice, bob = Visitor(UserFactory()), Visitor(UserFactory())
    cached(alice.get())
    cached(bob.get())
    invalidate_pages(f"tasks:{bob.user.pk}")
    assert cached(alice.get()).content.endswith(b"1")
    assert cached(bob.get()).content.endswith(b"3")


def test_the_kept_pages_csrf_token_is_accepted_for_its_session():
    cached = signed_in_page_cache("tasks")(Counter())
    browser = Visitor(UserFactory())
    cached(browser.get())
    request = browser.get()
    page = cached(request).content.decode()
    assert request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the cookie is renewed, as the view would have
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    assert _csrf_refusal(token, browser.secret) is None
    assert _csrf_refusal(token, get_random_string(32)).status_code == 403  # another browser's secret


def _csrf_refusal(token, secret):
    post = RequestFactory().post("/page/", {"csrfmiddlewaretoken": token})
    post.COOKIES[django_settings.CSRF_COOKIE_NAME] = secret
    post.user, post.session = AnonymousUser(), SessionStore()  # for the site's refusal page
    post._messages = FallbackStorage(post)
    middleware = CsrfViewMiddleware(lambda request: HttpResponse())
    middleware.process_request(post)
    return middleware.process_view(post, lambda request: HttpResponse(), (), {})


def test_a_change_to_the_user_is_a_new_page():
    view = Counter()
    cached = signed_in_page_cache("tasks")(view)
    browser = Visitor(UserFactory(name="Ada"))
    cached(browser.get())
    browser.user.name = "Ada L."
    browser.user.save()
    assert cached(browser.get()).content.endswith(b"2")


def test_a_waiting_message_is_shown_by_the_view():
    view = Counter()
    cached = signed_in_page_cache("tasks")(view)
    browser = Visitor(UserFactory())
    cached(browser.get())
    browser.session["_messages"] = "[]"
    browser.session.save()
    assert cached(browser.get()).content.endswith(b"2")
    request = browser.get()
    request.COOKIES["messages"] = "x"
    assert cached(request).content.endswith(b"3")
    browser.session.pop("_messages")
    browser.session.save()
    request = browser.get()
    request.COOKIES["messages"] = ""  # cleared (some clients keep it empty): nothing waits
    assert cached(request).content.endswith(b"1")  # the page kept before


def _queues_a_message(request, response):
    messages.info(request, "Saved.")


def _writes_the_session(request, response):
    request.session["seen"] = True


def _rotates_the_csrf_token(request, response):
    rotate_token(request)
    get_token(request)


def _sets_a_cookie(request, response):
    response.set_cookie("theme", "dark")


def _no_store(request, response):
    response["Cache-Control"] = "no-store"


def _not_found(request, response):
    response.status_code = 404


CHANGES = [
    _queues_a_message,
    _writes_the_session,
    _rotates_the_csrf_token,
    _sets_a_cookie,
    _no_store,
    _not_found,
]


@pytest.mark.parametrize("then", CHANGES)
def test_a_page_that_changed_the_visitor_is_never_kept(then):
    view = Counter(then)
    cached = signed_in_page_cache("tasks")(view)
    browser = Visitor(UserFactory())
    cached(browser.get())
    cached(browser.get())
    assert view.calls == 2


def test_visitors_htmx_posts_and_a_missing_csrf_cookie_get_the_view():
    view = Counter()
    cached = signed_in_page_cache("tasks")(view)
    browser = Visitor(UserFactory())
    cached(browser.get())
    anonymous = browser.get()
    anonymous.user = AnonymousUser()
    cached(anonymous)
    cached(_htmx(browser))
    post = browser.get()
    post.method = "POST"
    cached(post)
    no_cookie = browser.get()
    del no_cookie.META["CSRF_COOKIE"]
    cached(no_cookie)
    assert view.calls == 5


def _htmx(browser):
    request = browser.get()
    request.META["HTTP_HX_REQUEST"] = "true"
    return request


def test_a_scope_keeps_a_page_per_value_and_a_timeout_of_zero_keeps_none():
    view = Counter()
    day = {"value": 1}
    cached = signed_in_page_cache("tasks", scope=lambda request: day["value"])(view)
    browser = Visitor(UserFactory())
    cached(browser.get())
    day["value"] = 2
    assert cached(browser.get()).content.endswith(b"2")
    never = signed_in_page_cache("tasks", timeout=lambda request: 0)(Counter())
    never(browser.get())
    never(browser.get())
    assert never.__wrapped__.calls == 2


def test_off_when_the_setting_is_zero(settings):
    settings.PAGE_CACHE_SECONDS = 0
    view = Counter()
    cached = signed_in_page_cache("tasks")(view)
    browser = Visitor(UserFactory())
    cached(browser.get())
    cached(browser.get())
    assert view.calls == 2


def test_the_signed_in_user_is_looked_up_before_the_view():
    user = UserFactory()
    request = Visitor(user).get()
    request.user = SimpleLazyObject(lambda: get_user(request))
    seen = {}

    def view(request):
        seen["looked up"] = request.user._wrapped is not empty
        return HttpResponse()

    SignedInUserMiddleware(view)(request)
    assert seen["looked up"]
    assert request.user.pk == user.pk
