"""The page cache for visitors who are not signed in (core/page_cache.py): what it serves, what it never
keeps."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from ..page_cache import anonymous_page_cache, forget, invalidate_pages


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


class Counter:
    """A view that says how many times it ran, with an optional extra step (``then``)."""

    def __init__(self, then=None):
        self.calls = 0
        self.then = then

    def __call__(self, request):
        self.calls += 1
        response = HttpResponse(f"page {self.calls}")
        if self.then:
            self.then(request, response)
        return response


def get(path="/page/", **extra):
    return RequestFactory().get(path, **extra)


@pytest.mark.django_db  # renewing a group also waits for the transaction's commit
def test_the_page_is_kept_per_address_until_its_group_changes(settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    view = Counter()
    cached = anonymous_page_cache("news")(view)
    assert cached(get()).content == b"page 1"
    assert cached(get()).content == b"page 1"
    assert cached(get("/page/?page=2")).content == b"page 2"  # another address: its own page
    assert cached(get(HTTP_HOST="other.example")).content == b"page 3"  # absolute links differ
    invalidate_pages("other")
    assert cached(get()).content == b"page 1"
    invalidate_pages("news")
    assert cached(get()).content == b"page 4"
    assert cached(get()).content == b"page 4"


@pytest.mark.django_db
def test_a_page_rendered_from_the_old_rows_before_the_commit_is_not_served_after_it(
    django_capture_on_commit_callbacks,
):
    view = Counter()
    cached = anonymous_page_cache("news")(view)
    with django_capture_on_commit_callbacks(execute=True):
        invalidate_pages("news")  # a writer changed the news, not committed yet
        assert cached(get()).content == b"page 1"  # another request still reads the old rows: kept
    assert cached(get()).content == b"page 2"


@pytest.mark.django_db
def test_forgotten_entries_are_deleted_again_once_the_writer_commits(django_capture_on_commit_callbacks):
    cache.set_many({"forget-test:sidebar": "old", "forget-test:counts": "old"})
    with django_capture_on_commit_callbacks(execute=True):
        forget("forget-test:sidebar", "forget-test:counts")
        assert cache.get_many(["forget-test:sidebar", "forget-test:counts"]) == {}
        cache.set("forget-test:sidebar", "computed by another request from the old rows")
    assert cache.get_many(["forget-test:sidebar", "forget-test:counts"]) == {}


def test_every_answer_varies_on_cookies():
    cached = anonymous_page_cache("news")(Counter())
    assert "Cookie" in cached(get())["Vary"]
    assert "Cookie" in cached(get())["Vary"]  # the stored one too


@pytest.mark.parametrize(
    "cookie", ["sessionid", CookieStorage.cookie_name], ids=["a session", "a message waiting"]
)
def test_a_visitor_with_a_session_or_a_message_gets_the_view(settings, cookie):
    view = Counter()
    cached = anonymous_page_cache("news")(view)
    cached(get())
    visitor = get()
    visitor.COOKIES[settings.SESSION_COOKIE_NAME if cookie == "sessionid" else cookie] = "x"
    assert cached(visitor).content == b"page 2"


def test_htmx_and_unsafe_requests_get_the_view():
    view = Counter()
    cached = anonymous_page_cache("news")(view)
    cached(get())
    assert cached(get(HTTP_HX_REQUEST="true")).content == b"page 2"
    assert cached(RequestFactory().post("/page/")).content == b"page 3"


def _uses_csrf_token(request, response):
    get_token(request)


def _sets_cookie(request, response):
    response.set_cookie("theme", "dark")


def _private(request, response):
    response["Cache-Control"] = "private"


def _not_found(request, response):
    response.status_code = 404


@pytest.mark.parametrize("then", [_uses_csrf_token, _sets_cookie, _private, _not_found])
def test_a_page_with_anything_of_one_visitor_is_never_kept(then):
    view = Counter(then)
    cached = anonymous_page_cache("news")(view)
    cached(get())
    cached(get())
    assert view.calls == 2


def test_a_page_that_queued_a_message_is_never_kept():
    def with_message(request, response):
        messages.info(request, "Hello")

    view = Counter(with_message)
    cached = anonymous_page_cache("news")(view)
    for _ in range(2):
        request = get()
        request._messages = CookieStorage(request)
        cached(request)
    assert view.calls == 2


def test_a_view_may_keep_its_page_shorter_or_not_at_all():
    view = Counter()
    cached = anonymous_page_cache("news", timeout=lambda request: 0)(view)
    cached(get())
    cached(get())
    assert view.calls == 2


def test_off_when_the_setting_is_zero(settings):
    settings.PAGE_CACHE_SECONDS = 0
    view = Counter()
    cached = anonymous_page_cache("news")(view)
    cached(get())
    cached(get())
    assert view.calls == 2
