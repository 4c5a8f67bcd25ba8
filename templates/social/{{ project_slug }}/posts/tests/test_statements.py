"""The busiest reads are compiled once for every reader (``statements``): the home feed, a post's card and its
replies. Each read still asks the database with its own reader, post, cursor and time, so what it returns is
never stale, and a slot never reaches a query that is not a statement."""

from collections import OrderedDict
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ...core import statements as compiled_reads
from ...graph import moderation
from ...graph.models import Follow
from .. import managers, statements
from ..models import Attachment, Post, PostTag, Tag
from ..pagination import feed_cursor
from .factories import BlockFactory, FollowFactory, MuteFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """The SQL of each statement compiled (with none kept yet)."""
    monkeypatch.setattr(compiled_reads, "_kept", OrderedDict())
    sql: list[str] = []
    compile_once = compiled_reads.Statement.__init__

    def counted(statement, queryset):
        compile_once(statement, queryset)
        sql.append(statement.sql)

    monkeypatch.setattr(compiled_reads.Statement, "__init__", counted)
    return sql


def test_the_feed_is_compiled_once_for_every_reader_and_read_anew_each_time(compiled):
    ana, bob, carl = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=ana, followee=carl)
    FollowFactory(follower=bob, followee=carl)
    first = PostFactory(author=carl)
    assert managers.feed_entries(ana, None, 5) == [first]
    assert managers.feed_entries(bob, None, 5) == [first]
    assert managers.feed_entries(carl, None, 5) == [first]  # their own post
    second = PostFactory(author=carl)
    BlockFactory(blocker=carl, blocked=bob)
    assert managers.feed_entries(ana, None, 5) == [second, first]  # the statement is SQL, not rows
    assert managers.feed_entries(bob, None, 5) == []
    assert managers.feed_entries(UserFactory(), None, 5) == []
    assert len(compiled) == 1
    older = managers.feed_entries(ana, (second.created_at, second.pk, 0), 5)
    assert older == [first]  # a later page: the cursor is the read's too
    assert managers.feed_entries(ana, (first.created_at, first.pk, 0), 5) == []
    entries = managers.feed_entries(ana, None, 1)
    assert entries == [second] and feed_cursor(entries[0]).endswith(f"_{second.pk}_0")
    assert len(compiled) == 3  # later pages and another size are statements of their own


def test_a_card_and_its_replies_are_read_as_each_reader_may_see_them(compiled):
    author, friend, stranger = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=friend, followee=author)
    public = PostFactory(author=author)
    narrow = PostFactory(author=author, visibility=Post.Visibility.FOLLOWERS)
    reply = PostFactory(author=friend, reply_to=public)
    hidden_reply = PostFactory(author=author, reply_to=public, visibility=Post.Visibility.FOLLOWERS)
    anonymous = AnonymousUser()
    assert managers.card(friend, narrow.pk) == narrow
    assert managers.card(stranger, narrow.pk) is None
    assert managers.card(anonymous, narrow.pk) is None
    assert managers.card(anonymous, public.pk) == public
    assert managers.card(stranger, 2**63) is None  # no such id: not a database error
    assert managers.replies(friend, public, 10) == [reply, hidden_reply]
    assert managers.replies(stranger, public, 10) == [reply]
    assert managers.replies(anonymous, public, 10) == [reply]
    assert managers.replies(friend, public, 1) == [reply]
    card = managers.card(friend, public.pk)
    assert (card.reply_count, card.like_count, card.liked) == (2, 0, False)
    assert managers.card(stranger, public.pk).reply_count == 1
    # The signed-in reader's and the anonymous visitor's, the card and the replies (two sizes): five in all.
    assert len(compiled) == 5


def test_a_statement_compares_a_suspension_with_the_time_of_each_read(compiled, monkeypatch):
    ana, bob = UserFactory(), UserFactory()
    post = PostFactory(author=bob)
    now = timezone.now()
    suspension = {"suspended_at": now, "suspended_until": now + timedelta(hours=1)}
    bob.profile.__class__.objects.filter(user=bob).update(**suspension)
    assert managers.card(ana, post.pk) is None
    assert managers.feed_entries(bob, None, 5) == [post]  # still theirs
    monkeypatch.setattr(moderation.timezone, "now", lambda: now + timedelta(hours=2))
    assert managers.card(ana, post.pk) == post  # the suspension ran out, nothing compiled again
    assert len(compiled) == 2


def test_the_stand_in_reader_is_refused_outside_a_statement():
    with pytest.raises(TypeError, match="only for statements"):
        list(Post.objects.visible_to(statements.ANYONE))


def test_lists_of_cards_are_compiled_once_and_read_with_each_readers_rule(compiled):
    """Explore (and the signed-out home page), a tag's page and a profile page: each reader's own posts,
    muted people left out where the page leaves them out, a page older than its cursor."""
    ana, bob, muted = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=ana, followee=bob)
    MuteFactory(muter=ana, muted=muted)
    old = PostFactory(author=bob, body="#django old")
    narrow = PostFactory(author=bob, visibility=Post.Visibility.FOLLOWERS, body="narrow")
    loud = PostFactory(author=muted, body="loud")
    PostTag.objects.create(post=old, tag=Tag.objects.create(name="django"))
    anonymous = AnonymousUser()
    assert managers.card_page(ana, "latest", None, 10) == [narrow, old]
    assert managers.card_page(UserFactory(), "latest", None, 10) == [loud, old]
    assert managers.card_page(anonymous, "latest", None, 10) == [loud, old]
    assert managers.card_page(ana, "latest", narrow.pk, 10) == [old]
    assert managers.card_page(ana, "latest", 2**63, 10) == []  # no such cursor: not a database error
    assert managers.card_page(ana, "by", None, 10, bob.pk) == [narrow, old]
    assert managers.card_page(UserFactory(), "by", None, 10, bob.pk) == [old]
    assert managers.card_page(ana, "by", None, 10, muted.pk) == [loud]  # a profile shows a muted person's
    assert managers.card_page(anonymous, "tagged", None, 10, "django") == [old]
    assert managers.card_page(ana, "tagged", None, 10, "python") == []
    MuteFactory(muter=ana, muted=bob)
    assert managers.card_page(ana, "tagged", None, 10, "django") == []
    assert managers.card_page(ana, "latest", None, 10) == []
    # latest (signed in, signed out, older than a cursor), by (signed in), tagged (signed out, signed in)
    assert len(compiled) == 6


def test_a_post_and_its_images_are_found_only_for_those_who_may_see_them(compiled):
    """The edit history's post and an image's file: found for whoever may see the post, not for others,
    not for an id no post or image has."""
    author, friend, stranger = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=friend, followee=author)
    narrow = PostFactory(author=author, visibility=Post.Visibility.FOLLOWERS)
    sizes = {"width": 1, "height": 1, "thumbnail_width": 1, "thumbnail_height": 1}
    image = Attachment.objects.create(post=narrow, position=0, image="a.jpg", thumbnail="a.webp", **sizes)
    assert managers.visible_post(friend, narrow.pk) == narrow
    assert managers.visible_post(friend, narrow.pk).author == author
    assert managers.visible_post(stranger, narrow.pk) is None
    assert managers.visible_post(AnonymousUser(), narrow.pk) is None
    assert managers.visible_post(friend, 2**63) is None
    assert managers.visible_attachment(friend, image.pk) == image
    assert managers.visible_attachment(stranger, image.pk) is None
    assert managers.visible_attachment(AnonymousUser(), image.pk) is None
    assert managers.visible_attachment(friend, 2**63) is None
    Follow.objects.filter(follower=friend).delete()
    assert managers.visible_post(friend, narrow.pk) is None  # an unfollow: read anew
    assert managers.visible_attachment(friend, image.pk) is None
    assert len(compiled) == 4  # each for signed-in readers and for signed-out visitors
