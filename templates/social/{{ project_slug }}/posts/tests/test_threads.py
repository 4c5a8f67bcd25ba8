"""Threads: every reply records the posts above it, so privacy holds at any depth (``PostAncestor``)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from ..models import Post, PostAncestor
from .factories import FollowFactory, PostFactory, UserFactory

migration = importlib.import_module("..migrations.0002_post_ancestors", __package__)

pytestmark = pytest.mark.django_db


def ancestor_pairs() -> set[tuple[int, int]]:
    return set(PostAncestor.objects.values_list("post_id", "ancestor_id"))


def test_a_reply_records_every_post_above_it_and_the_migration_does_the_same_for_old_ones():
    root = PostFactory()
    reply = PostFactory(reply_to=root)
    deeper = PostFactory(reply_to=reply)
    PostFactory(reply_to=PostFactory())  # another thread
    deeper.body = "edited"
    deeper.save()  # saving again adds nothing
    expected = {(reply.pk, root.pk), (deeper.pk, reply.pk), (deeper.pk, root.pk)}
    assert expected <= ancestor_pairs() and len(ancestor_pairs()) == 4
    recorded = ancestor_pairs()

    PostAncestor.objects.all().delete()  # replies from before the table existed
    migration.record_ancestors_of_existing_replies(apps, SimpleNamespace(connection=connection))
    assert ancestor_pairs() == recorded


def test_a_deactivated_account_s_posts_are_gone_for_everybody(client):
    """Followers, people they mentioned, anonymous visitors: nobody sees them any more, nor replies below."""
    gone, follower, mentioned = UserFactory(username="gone"), UserFactory(), UserFactory(username="men")
    FollowFactory(follower=follower, followee=gone)
    post = PostFactory(author=gone, body="hello @men")
    post.mention_rows.create(user=mentioned)
    reply = PostFactory(reply_to=post)
    viewers = [follower, mentioned, UserFactory()]
    assert all(Post.objects.visible_to(viewer).filter(pk=post.pk).exists() for viewer in viewers)
    gone.is_active = False
    gone.save()
    for viewer in viewers:
        assert not Post.objects.visible_to(viewer).filter(pk__in=[post.pk, reply.pk]).exists()
    client.force_login(mentioned)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get(reply.get_absolute_url()).status_code == 404


def test_reply_counts_count_only_the_replies_the_viewer_may_see(client):
    ana, ben, fan = UserFactory(), UserFactory(), UserFactory()
    post = PostFactory(author=ana)
    PostFactory(reply_to=post, author=ben)
    PostFactory(reply_to=post, author=fan, visibility=Post.Visibility.FOLLOWERS)  # ana does not follow fan
    client.force_login(ana)
    assert client.get(post.get_absolute_url()).context["post"].reply_count == 1
    FollowFactory(follower=ana, followee=fan)
    assert client.get(reverse("posts:detail", args=[post.pk])).context["post"].reply_count == 2
