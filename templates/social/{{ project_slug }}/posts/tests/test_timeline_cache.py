"""The timelines' cache (``timeline_cache.py``): the signed-out home page, read once and shared by signed-out
visitors only, and each person's home feed, kept for that person only; both forgotten by every change that
alters a card or who may see it."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ...graph import services as graph_services
from ...graph.models import Follow, ModerationAction, Report
from ...profiles import deletion
from .. import services, timeline_cache
from ..models import Post
from .factories import BlockFactory, FollowFactory, MuteFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def visit(client: Client) -> tuple[list[tuple[int, int, int, int]], bytes, list[str]]:
    """The public timeline as a signed-out visitor gets it: its cards (post, likes, boosts, replies), the
    page, and the SQL it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("posts:home"))
    assert response.status_code == 200
    cards = [(p.pk, p.like_count, p.boost_count, p.reply_count) for p in response.context["page"].items]
    return cards, response.content, [query["sql"] for query in queries]


def test_the_second_visit_reads_no_post_from_the_database(client):
    post = PostFactory(body="Hello from the cache")
    cards, page, queries = visit(client)
    assert cards == [(post.pk, 0, 0, 0)]
    assert any("posts_post" in sql for sql in queries)
    again, same_page, queries = visit(Client())  # another visitor: the same copy
    assert (again, same_page) == (cards, page)
    assert not any("posts_post" in sql for sql in queries)
    assert b"Hello from the cache" in same_page


def test_a_signed_in_person_never_reads_or_leaves_the_public_copy(client):
    """A signed-in person's cards say what they liked: their home page is never the shared copy, and their
    visit leaves nothing a signed-out visitor gets."""
    post = PostFactory()
    fan = UserFactory()
    FollowFactory(follower=fan, followee=post.author)
    services.like(fan, post)
    client.force_login(fan)
    mine = client.get(reverse("posts:home"))
    assert b"Unlike" in mine.content
    anonymous = Client().get(reverse("posts:home"))
    assert b"Unlike" not in anonymous.content
    assert b"1 like" in anonymous.content
    request = RequestFactory().get("/?before=12")
    request.user = fan
    with pytest.raises(ValueError, match="first page"):
        timeline_cache.first_page(request, lambda: None)


def _like_token(page: bytes, post: Post) -> str:
    """The CSRF token in the post's like form."""
    form = page.decode().split(f'action="{reverse("posts:like", args=[post.pk])}"', 1)[1]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_a_persons_copy_is_per_browser_so_its_forms_carry_that_browsers_csrf_token():
    """The same person in two browsers: each gets cards whose forms pass the CSRF check in that browser."""
    fan, post = UserFactory(), PostFactory()
    FollowFactory(follower=fan, followee=post.author)
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for browser in browsers:
        browser.force_login(fan)
        browser.get(reverse("posts:home"))  # the first read of each browser is cached
    pages = [browser.get(reverse("posts:home")).content for browser in browsers]  # from the cache
    url = reverse("posts:like", args=[post.pk])
    for browser, page in zip(browsers, pages, strict=True):
        token = _like_token(page, post)
        assert browser.post(url, {"action": "like", "csrfmiddlewaretoken": token}).status_code == 302


def _compose_token(page: str) -> str:
    """The CSRF token in the compose form."""
    form = page.split(f'action="{reverse("posts:create")}"', 1)[1]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_the_kept_copy_holds_the_compose_form_as_the_account_starts_a_post():
    """The compose form is kept with the cards: it carries the browser's CSRF token, and making the account
    private renews the copy, so the form then starts a post followers-only."""
    me = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(me)
    browser.get(reverse("posts:home"))
    with CaptureQueriesContext(connection) as queries:
        page = browser.get(reverse("posts:home")).content.decode()  # from the cache
    assert not any("profiles_profile" in query["sql"] for query in queries)  # the form was not built again
    assert '<option value="public" selected>' in page
    data = {"body": "From the kept form", "visibility": "public", "csrfmiddlewaretoken": _compose_token(page)}
    assert browser.post(reverse("posts:create"), data).status_code == 302
    me.profile.is_private = True
    me.profile.save()
    page = browser.get(reverse("posts:home")).content.decode()
    assert '<option value="followers" selected>' in page
    assert "From the kept form" in page


def _staff():
    return UserFactory(is_staff=True, is_superuser=True)


def _cache_now() -> None:
    """A visit that leaves the current timeline in the cache, just before the change under test."""
    Client().get(reverse("posts:home"))


def _decide(kind: str):
    def change(post: Post) -> None:
        report = graph_services.report(UserFactory(), post.author, reason="spam", post=post)
        moderator = _staff()
        _cache_now()
        graph_services.decide(moderator, report, kind=kind, reason="Spam.", days=3)

    return change


def _deactivate_from_the_admin(post: Post) -> None:
    """An admin action changes rows with ``update()``, which sends no signal."""
    report = Report.objects.create(reporter=UserFactory(), reported_user=post.author, reason="spam")
    staff = Client()
    staff.force_login(_staff())
    _cache_now()
    url = reverse("admin:graph_report_changelist")
    staff.post(url, {"action": "deactivate_reported_users", "_selected_action": [report.pk]})


def _make_private(post: Post) -> None:
    post.author.profile.is_private = True
    post.author.profile.save()


def _deactivate(post: Post) -> None:
    post.author.is_active = False
    post.author.save()


CHANGES = {
    "a new post": lambda post: PostFactory(),
    "a reply": lambda post: PostFactory(reply_to=post),
    "narrowed to followers": lambda post: services.edit_post(
        post, body=post.body, visibility=Post.Visibility.FOLLOWERS
    ),
    "edited": lambda post: services.edit_post(post, body="Edited text", visibility=post.visibility),
    "deleted": services.delete_post,
    "liked": lambda post: services.like(UserFactory(), post),
    "boosted": lambda post: services.boost(UserFactory(), post),
    "account made private": _make_private,
    "author deactivated": _deactivate,
    "hidden by a moderator": _decide(ModerationAction.Kind.HIDE_POST),
    "author suspended by a moderator": _decide(ModerationAction.Kind.SUSPEND),
    "author deactivated from the admin": _deactivate_from_the_admin,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_to_what_a_card_shows_or_who_may_see_it_is_shown_at_once(client, change):
    post = PostFactory(body="Before the change")
    before, before_page, _ = visit(client)
    change(post)
    cached, cached_page, _ = visit(client)
    cache.clear()
    fresh, fresh_page, _ = visit(client)
    assert (cached, cached_page) != (before, before_page)
    assert (cached, cached_page) == (fresh, fresh_page)


def test_forgotten_again_when_the_change_commits(django_capture_on_commit_callbacks):
    """A visitor between the change and its commit could cache what was there before: the version is
    replaced again once the transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory()
        during = timeline_cache.version()
    assert timeline_cache.version() != during


def test_a_new_block_takes_a_boost_out_of_the_count(client):
    """A boost by someone either side of a block with the post's author is not counted, for anybody."""
    post, booster = PostFactory(), UserFactory()
    services.boost(booster, post)
    assert visit(client)[0] == [(post.pk, 0, 1, 0)]
    BlockFactory(blocker=post.author, blocked=booster)
    assert visit(client)[0] == [(post.pk, 0, 0, 0)]


def feed(client: Client) -> tuple[list[tuple[int, int, bool, bool]], list[str]]:
    """A signed-in person's home feed: its cards (post, likes, liked and boosted by them), and the SQL."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("posts:home"))
    assert response.status_code == 200
    items = response.context["page"].items
    return [(p.pk, p.like_count, p.liked, p.boosted) for p in items], [query["sql"] for query in queries]


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_each_person_reads_their_own_copy_of_their_feed():
    """Two followers of one author: each sees their own like, from their own copy, on the second read."""
    author, ana, bob = UserFactory(), UserFactory(), UserFactory()
    post = PostFactory(author=author)
    for person in (ana, bob):
        FollowFactory(follower=person, followee=author)
    services.like(ana, post)
    ana_client, bob_client = signed_in(ana), signed_in(bob)
    assert feed(ana_client)[0] == [(post.pk, 1, True, False)]
    assert feed(bob_client)[0] == [(post.pk, 1, False, False)]
    for client, liked in ((ana_client, True), (bob_client, False)):
        cards, queries = feed(client)
        assert cards == [(post.pk, 1, liked, False)]
        assert not any("posts_post" in sql for sql in queries)
    assert b"Unlike" in ana_client.get(reverse("posts:home")).content
    assert b"Unlike" not in bob_client.get(reverse("posts:home")).content


def _follow_a_tag(me) -> None:
    services.create_post(UserFactory(), body="Spring #garden")
    feed(signed_in(me))  # cached without the tag's post
    services.follow_tag(me, "garden")


FEED_CHANGES = {
    "a new post by someone followed": lambda me, post: PostFactory(author=post.author),
    "followed someone": lambda me, post: FollowFactory(follower=me, followee=PostFactory().author),
    "unfollowed": lambda me, post: Follow.objects.filter(follower=me, followee=post.author).delete(),
    "muted the author": lambda me, post: MuteFactory(muter=me, muted=post.author),
    "blocked by the author": lambda me, post: BlockFactory(blocker=post.author, blocked=me),
    "liked": lambda me, post: services.like(me, post),
    "liked by someone else": lambda me, post: services.like(UserFactory(), post),
    "boosted": lambda me, post: services.boost(me, post),
    "a followed tag": lambda me, post: _follow_a_tag(me),
    "deleted": lambda me, post: services.delete_post(post),
    "hidden by a moderator": lambda me, post: _decide(ModerationAction.Kind.HIDE_POST)(post),
}


@pytest.mark.parametrize("change", FEED_CHANGES.values(), ids=FEED_CHANGES.keys())
def test_every_change_to_a_feed_is_shown_at_once(change):
    me = UserFactory()
    post = PostFactory(body="Before the change")
    FollowFactory(follower=me, followee=post.author)
    client = signed_in(me)
    before, _ = feed(client)
    change(me, post)
    cached, _ = feed(client)
    cache.clear()
    fresh, _ = feed(client)
    assert cached != before
    assert cached == fresh


def test_scheduling_and_cancelling_an_account_deletion_renew_the_public_timeline(client):
    """Both are conditional ``update()`` calls (no signal): the account goes, and comes back, at once."""
    post = PostFactory(body="Words of someone leaving")
    assert b"Words of someone leaving" in visit(client)[1]
    deletion.schedule(post.author)
    assert b"Words of someone leaving" not in visit(Client())[1]
    assert deletion.cancel(post.author)
    assert b"Words of someone leaving" in visit(Client())[1]
