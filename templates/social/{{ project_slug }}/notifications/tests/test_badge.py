"""The unread badge on every signed-in page: a bounded count that agrees with the list (privacy checked),
and whose cost does not grow with the number of posts on the site."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ...graph.services import block, follow, unfollow
from ...posts.models import Post
from ...posts.services import create_post, like
from ...posts.tests.factories import PostFactory, UserFactory
from ..models import Notification
from ..services import BADGE_LIMIT, badge_text, unread_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return UserFactory(username="ana")


@pytest.fixture
def ben():
    return UserFactory(username="ben")


def listed(user) -> int:
    """How many unread notifications the notification list shows ``user``."""
    return Notification.objects.for_recipient(user).unread().count()


def plans(queries: CaptureQueriesContext) -> list[list[str]]:
    """SQLite's plan of each query: how every table is reached ("SEARCH … USING INDEX" or "SCAN …")."""
    with connection.cursor() as cursor:
        return [
            [row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}").fetchall()]
            for query in queries.captured_queries
        ]


def test_the_badge_costs_the_same_at_10_100_and_1000_posts(ana, ben):
    post = PostFactory(author=ana)
    like(UserFactory(), post)
    create_post(ben, body="Agreed, @ana", reply_to=post)  # a reply and a mention: both are rechecked
    measured = []
    for size in (10, 100, 1000):
        Post.objects.bulk_create(Post(author=ben, body="filler") for _ in range(size - Post.objects.count()))
        with CaptureQueriesContext(connection) as queries:
            count = unread_count(ana)
        plan = plans(queries) if connection.vendor == "sqlite" else []
        measured.append((count, len(queries), plan))
    assert measured[0][:2] == (listed(ana), 2) == (3, 2)
    assert measured == [measured[0]] * 3
    # No table is read in full: every step is an index or key lookup.
    assert not [step for plan in measured[0][2] for step in plan if step.startswith("SCAN")]


def test_a_notification_from_a_person_blocked_since_is_not_counted(ana, ben):
    create_post(ben, body="Hello @ana", reply_to=PostFactory(author=ana))
    assert unread_count(ana) == listed(ana) == 2
    block(ana, ben)
    assert unread_count(ana) == listed(ana) == 0


def test_a_reply_that_became_invisible_is_not_counted(ana, ben):
    """Checked when counted, not only when delivered: ana stops following ben, whose reply to her was for
    his followers; the list no longer shows it and neither does the badge."""
    follow(ana, ben)
    hidden = Post.Visibility.FOLLOWERS
    create_post(ben, body="For my followers", visibility=hidden, reply_to=PostFactory(author=ana))
    assert unread_count(ana) == listed(ana) == 1
    unfollow(ana, ben)
    assert unread_count(ana) == listed(ana) == 0


def test_the_badge_counts_up_to_its_limit_and_then_shows_99_plus(client, ana, ben):
    posts = Post.objects.bulk_create(Post(author=ana, body="mine") for _ in range(BADGE_LIMIT + 5))
    Notification.objects.bulk_create(
        Notification(recipient=ana, kind=Notification.Kind.LIKE, post=post, last_actor=ben,
                     group_key=Notification.key_for(Notification.Kind.LIKE, post.pk))
        for post in posts
    )  # fmt: skip
    assert unread_count(ana) == BADGE_LIMIT
    assert [badge_text(count) for count in (0, 7, BADGE_LIMIT - 1, BADGE_LIMIT)] == ["", "7", "99", "99+"]
    client.force_login(ana)
    assert "data-unread-count>99+</span>" in client.get(reverse("notifications:list")).content.decode()
