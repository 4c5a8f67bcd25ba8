import pytest
from django.urls import reverse

from ..models import Post
from ..pagination import parse_before, parse_feed_cursor
from .factories import BlockFactory, FollowFactory, MuteFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client):
    user = UserFactory(username="me")
    client.force_login(user)
    return user


def feed(client, **params) -> list[Post]:
    return client.get(reverse("posts:home"), params).context["page"].items


def test_feed_has_own_and_followed_posts_newest_first(client, me):
    friend, stranger = UserFactory(), UserFactory()
    FollowFactory(follower=me, followee=friend)
    old = PostFactory(author=friend)
    PostFactory(author=stranger)
    mine = PostFactory(author=me)
    assert feed(client) == [mine, old]


def test_muted_people_leave_the_feed_only(client, me):
    friend = UserFactory()
    FollowFactory(follower=me, followee=friend)
    post = PostFactory(author=friend)
    MuteFactory(muter=me, muted=friend)
    assert feed(client) == []
    assert client.get(post.get_absolute_url()).status_code == 200  # still visible elsewhere
    assert post not in client.get(reverse("posts:explore")).context["page"].items


def test_keyset_pages_do_not_shift_when_new_posts_arrive(client, me, settings):
    settings.SOCIAL_FEED_PAGE_SIZE = 2
    posts = [PostFactory(author=me) for _ in range(5)][::-1]  # newest first
    first = client.get(reverse("posts:home")).context["page"]
    assert first.items == posts[:2]
    PostFactory(author=me)  # arrives while reading
    second = client.get(reverse("posts:home"), {"before": first.next_before}).context["page"]
    assert second.items == posts[2:4]
    last = client.get(reverse("posts:home"), {"before": second.next_before}).context["page"]
    assert last.items == posts[4:]
    assert last.next_before is None


@pytest.mark.parametrize(
    "cursor",
    ["abc", "-1", "1e9", "9" * 40, "", "²", "١٢", "1_2", "1_2_3_4", "999999999999999999_1_0", "1__0"],
)
def test_a_bad_cursor_means_the_first_page(client, me, cursor):
    post = PostFactory(author=me)
    assert parse_before(cursor) is None
    assert parse_feed_cursor(cursor) is None
    assert feed(client, before=cursor) == [post]
    for page in ("posts:explore", "posts:search"):
        assert client.get(reverse(page), {"before": cursor, "q": "a"}).status_code == 200
    assert client.get(reverse("profiles:detail", args=["me"]), {"before": cursor}).status_code == 200


def test_blocked_people_leave_the_feed_even_if_followed_before(client, me):
    friend = UserFactory()
    FollowFactory(follower=me, followee=friend)
    PostFactory(author=friend)
    BlockFactory(blocker=friend, blocked=me)
    assert feed(client) == []
