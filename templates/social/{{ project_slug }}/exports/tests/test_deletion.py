"""Deleting one's account: confirmed with the password, hidden from everybody else at once (through the
privacy rule), kept on cancel, purged after the grace period leaving no file behind; other people's replies
stay and mentions of the person become plain text."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ...graph import services as graph
from ...graph.selectors import find_people
from ...notifications.models import Notification
from ...posts import services as posts
from ...posts.models import Like, Mention, Post, PostAncestor
from ...posts.tests.factories import PASSWORD, UserFactory
from ...profiles import deletion
from ...profiles.models import Profile
from .helpers import post_with_image, ready_export

pytestmark = pytest.mark.django_db

DELETE = "/settings/account/delete/"


def _due_now(user) -> None:
    Profile.objects.filter(user=user).update(deletion_due_at=timezone.now() - timedelta(seconds=1))


def _files(root) -> list[Path]:
    return [path for path in Path(root).glob("**/*") if path.is_file()]


def test_scheduling_takes_the_password(client, ana):
    response = client.post(DELETE, {"password": "not-it"})
    assert response.status_code == 400 and "That is not your password" in response.content.decode()
    assert Profile.objects.get(user=ana).deletion_due_at is None
    response = client.post(DELETE, {"password": PASSWORD}, follow=True)
    assert "will be deleted on" in response.content.decode()
    due = Profile.objects.get(user=ana).deletion_due_at
    expected = timezone.now() + timedelta(days=settings.SOCIAL_DELETION_GRACE_DAYS)
    assert abs(due - expected) < timedelta(minutes=1)
    client.post(DELETE, {"password": PASSWORD})  # again: the first date stays
    assert Profile.objects.get(user=ana).deletion_due_at == due


def test_a_leaving_account_is_hidden_from_everybody_else_by_the_rule(client, ana):
    ben = UserFactory(username="ben")
    graph.follow(ben, ana)
    public = posts.create_post(ana, body="Public words")
    bens = posts.create_post(ben, body="Ben's post")
    posts.like(ana, bens)
    posts.boost(ana, bens)
    mention_later = posts.create_post(ben, body="Before: @ana")
    assert Mention.objects.filter(post=mention_later, user=ana).exists()
    deletion.schedule(ana)
    for viewer in (ben, AnonymousUser(), UserFactory(username="carl")):
        assert not Post.objects.visible_to(viewer).filter(pk=public.pk).exists()
        assert ana not in find_people(viewer, "ana")  # (others may have "ana" in their names)
    card = Post.objects.visible_to(ben).with_cards(ben).get(pk=bens.pk)
    assert (card.like_count, card.boost_count) == (0, 0)  # her like and boost no longer count
    client.force_login(ben)
    assert client.get(reverse("profiles:detail", args=["ana"])).status_code == 404
    assert not Mention.objects.filter(post=posts.create_post(ben, body="Now: @ana"), user=ana).exists()
    # She still sees her own things, and how to keep the account.
    client.force_login(ana)
    page = client.get(reverse("profiles:detail", args=["ana"])).content.decode()
    assert "Public words" in page and "will be deleted on" in page
    assert Post.objects.visible_to(ana).filter(pk=public.pk).exists()


def test_cancelling_keeps_the_account(client, ana):
    post = posts.create_post(ana, body="Still here")
    deletion.schedule(ana)
    response = client.post(DELETE, {"action": "cancel"}, follow=True)
    assert "Your account stays" in response.content.decode()
    assert Profile.objects.get(user=ana).deletion_due_at is None
    assert Post.objects.visible_to(AnonymousUser()).filter(pk=post.pk).exists()
    _due_now(ana)  # too late to be purged: nothing was due
    Profile.objects.filter(user=ana).update(deletion_due_at=None)
    assert deletion.purge_due() == 0
    assert get_user_model().objects.filter(pk=ana.pk).exists()


def test_nothing_is_purged_before_the_grace_period_ends(ana):
    deletion.schedule(ana)
    assert deletion.purge_due() == 0
    assert get_user_model().objects.filter(pk=ana.pk).exists()


def test_the_purge_leaves_no_file_behind(ana, django_capture_on_commit_callbacks):
    post_with_image(ana)
    post_with_image(ana, body="Another")
    profile = Profile.objects.get(user=ana)
    profile.avatar.save("ana.png", ContentFile(b"avatar bytes"))
    export = ready_export(ana)
    media_root = settings.SOCIAL_MEDIA_ROOT
    assert len(_files(media_root)) == 4 and storages["exports"].exists(export.file_name)
    assert Path(profile.avatar.path).exists()
    deletion.schedule(ana)
    _due_now(ana)
    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("purge_deleted_accounts", stdout=out)
    assert "1 account deleted." in out.getvalue()
    assert not get_user_model().objects.filter(pk=ana.pk).exists()
    assert not Post.objects.filter(author_id=ana.pk).exists()
    assert _files(media_root) == []  # originals and thumbnails
    assert not storages["exports"].exists(export.file_name)
    assert not Path(profile.avatar.path).exists()
    out = StringIO()
    call_command("purge_deleted_accounts", stdout=out)  # again: nothing more to do
    assert "0 accounts deleted." in out.getvalue()


def test_the_purge_removes_reactions_and_keeps_other_peoples_replies(client, ana):
    ben, carl = UserFactory(username="ben"), UserFactory(username="carl")
    graph.follow(ana, ben)
    graph.follow(ben, ana)
    hers = posts.create_post(ana, body="Her post")
    reply = posts.create_post(ben, body="Ben replies", reply_to=hers)
    deeper = posts.create_post(carl, body="Carl replies to Ben", reply_to=reply)
    bens = posts.create_post(ben, body="Hello @ana and @carl")
    posts.like(ana, bens)
    posts.like(ben, hers)
    assert Notification.objects.filter(recipient=ana).exists()
    deletion.schedule(ana)
    _due_now(ana)
    assert deletion.purge_due() == 1
    assert not Like.objects.filter(user_id=ana.pk).exists() and not Like.objects.filter(post_id=hers.pk)
    assert not Notification.objects.filter(recipient_id=ana.pk).exists()
    reply.refresh_from_db()
    assert (reply.reply_to_id, reply.parent_deleted) == (None, True)
    assert list(PostAncestor.objects.filter(post=deeper).values_list("ancestor_id", flat=True)) == [reply.pk]
    client.force_login(carl)
    page = client.get(reply.get_absolute_url()).content.decode()
    assert "In reply to a deleted post" in page and "Carl replies to Ben" in page
    # The mention of her is plain text now; the mention of Carl is still a link.
    page = client.get(bens.get_absolute_url()).content.decode()
    assert "Hello @ana and" in page and "/people/ana/" not in page
    assert 'class="mention">@carl</a>' in page
