"""Edit history: each edit keeps what the post said before, shown to exactly those who may see the post
(the privacy matrix checks every viewer); mentions an edit adds notify once."""

import pytest
from django.urls import reverse

from ...core.tests.concurrency import postgresql_only, run_at_once
from ...notifications.models import Notification
from ..models import Post, PostEdit
from ..services import edit_post
from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def history(post: Post) -> str:
    return reverse("posts:history", kwargs={"pk": post.pk})


def test_each_edit_keeps_the_previous_version_newest_first(client, ana):
    post = PostFactory(author=ana, body="version-one", content_warning="")
    edit_post(post, body="version-two", visibility="public", content_warning="spoilers")
    edit_post(post, body="version-three", visibility="followers")
    newer, older = PostEdit.objects.filter(post=post)
    assert (older.body, older.content_warning, older.visibility) == ("version-one", "", "public")
    assert (newer.body, newer.content_warning, newer.visibility) == ("version-two", "spoilers", "public")
    post.refresh_from_db()
    assert (post.body, post.content_warning) == ("version-three", "spoilers")
    assert post.edited_at == newer.replaced_at
    page = client.get(history(post))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("version-three") < text.index("version-two") < text.index("version-one")


def test_saving_an_unchanged_post_keeps_no_version(client, ana):
    post = PostFactory(author=ana, body="same")
    response = client.post(
        reverse("posts:edit", kwargs={"pk": post.pk}), {"body": "same", "visibility": "public"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.edited_at is None and not post.edits.exists()
    assert "has not been edited" in client.get(history(post)).content.decode()


def test_the_card_links_an_edited_post_to_its_history(client, ana):
    post = PostFactory(author=ana, body="before")
    edit_post(post, body="after", visibility="public")
    assert history(post) in client.get(post.get_absolute_url()).content.decode()


def test_a_mention_added_by_an_edit_notifies_once(ana):
    ben = UserFactory(username="ben")
    post = PostFactory(author=ana, body="hello")
    edit_post(post, body="hello @ben", visibility="public")
    edit_post(post, body="hello again @ben", visibility="public")
    assert Notification.objects.filter(recipient=ben, kind=Notification.Kind.MENTION).count() == 1


def test_deleting_a_post_deletes_its_history(ana):
    post = PostFactory(author=ana, body="before")
    edit_post(post, body="after", visibility="public")
    post.delete()
    assert not PostEdit.objects.exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_edits_at_once_each_keep_the_version_they_replaced():
    author = UserFactory()
    post = PostFactory(author=author, body="v0")
    bodies = iter(["a", "b", "c"])

    def edit() -> None:
        edit_post(Post.objects.get(pk=post.pk), body=next(bodies), visibility="public")

    run_at_once(edit, 3)
    post.refresh_from_db()
    versions = [edit.body for edit in PostEdit.objects.filter(post=post).order_by("pk")]
    # A chain: each edit replaced the text the previous one left, none lost, none kept twice.
    assert versions[0] == "v0" and len(versions) == 3
    assert sorted([*versions[1:], post.body]) == ["a", "b", "c"]
