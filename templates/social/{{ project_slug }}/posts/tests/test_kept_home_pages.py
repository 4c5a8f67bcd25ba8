"""The home page kept whole (``views.home``, ``core/page_cache.py``): one copy for signed-out visitors, one
per signed-in session; served without reading a post or a notification, and never after the timelines or
(signed in) the person's unread badge changed (``timeline_cache.py``, ``notifications/badge.py``)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ...notifications import preferences
from ...notifications import services as notifications
from ...notifications.models import Notification
from .factories import FollowFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("posts:home")
BADGE = re.compile(r"data-unread-count( hidden)?>([^<]*)<")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def ana():
    return UserFactory(username="ana")


@pytest.fixture
def signed_in(ana) -> Client:
    """Ana's browser, its home page kept: the first visit sets the CSRF cookie (a new secret, so nothing is
    kept), the second keeps the page."""
    client = Client()
    client.force_login(ana)
    client.get(HOME)
    client.get(HOME)
    return client


def visit(client: Client, path: str = HOME) -> tuple[str, list[str]]:
    """The page and the SQL that read posts or notifications for it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    read = [q["sql"] for q in queries if "posts_" in q["sql"] or "notifications_" in q["sql"]]
    return response.content.decode(), read


def badge(page: str) -> str:
    """The badge's text in the menu ("" when hidden); the tab bar's shows the same."""
    shown = {"" if hidden else text for hidden, text in BADGE.findall(page)}
    assert len(shown) == 1, shown
    return shown.pop()


def test_the_kept_page_reads_nothing_and_follows_the_timeline(signed_in, ana):
    ben = UserFactory(username="ben")
    FollowFactory(follower=ana, followee=ben)
    signed_in.get(HOME)  # kept again after the follow
    page, read = visit(signed_in)
    assert read == []
    PostFactory(author=ben, body="News from Ben, at once")
    page, read = visit(signed_in)
    assert "News from Ben, at once" in page
    assert read  # the timelines changed: the page was made anew


def test_the_badge_on_a_kept_page_is_never_stale(signed_in, ana):
    ben, cleo = UserFactory(username="ben"), UserFactory(username="cleo")
    post = PostFactory(author=ana)
    signed_in.get(HOME)
    assert badge(visit(signed_in)[0]) == ""

    notifications.notify(ana, Notification.Kind.LIKE, ben, post)  # a new notification (post_save)
    assert badge(visit(signed_in)[0]) == "1"
    assert visit(signed_in)[1] == []  # kept again

    notifications.mark_read(ana)  # update(): no signal
    assert badge(visit(signed_in)[0]) == ""

    notifications.notify(ana, Notification.Kind.LIKE, cleo, post)  # the read one bumped back by update()
    assert badge(visit(signed_in)[0]) == "1"

    preferences.save(ana, {Notification.Kind.LIKE: {"in_app": False}})  # bulk_create: no signal
    assert badge(visit(signed_in)[0]) == ""
    preferences.save(ana, {Notification.Kind.LIKE: {"in_app": True}})
    assert badge(visit(signed_in)[0]) == "1"

    Notification.objects.filter(recipient=ana).delete()  # deleted (post_delete)
    assert badge(visit(signed_in)[0]) == ""


def test_another_persons_notification_keeps_the_page(signed_in, ana):
    ben, cleo = UserFactory(username="ben"), UserFactory(username="cleo")
    signed_in.get(HOME)  # kept again after the new accounts
    notifications.notify(ben, Notification.Kind.FOLLOW, cleo)
    _, read = visit(signed_in)
    assert read == []


def test_older_pages_are_never_kept(signed_in, ana):
    older = f"{HOME}?before=0"
    visit(signed_in, older)
    _, read = visit(signed_in, older)
    assert read  # read again: one copy per cursor would let anyone fill the cache


def test_signed_out_visitors_share_one_kept_page_that_follows_the_timeline():
    author = UserFactory(username="dora")
    PostFactory(author=author, body="The first public post")
    visit(Client())
    response = Client().get(HOME)  # another visitor: the kept copy, nothing rendered
    assert response.status_code == 200
    assert response.templates == []
    assert "The first public post" in response.content.decode()
    PostFactory(author=author, body="The second public post")
    page, read = visit(Client())
    assert "The second public post" in page
    assert read
