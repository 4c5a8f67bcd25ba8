import pytest
from django.urls import reverse

from ..models import Comment, Post
from .factories import CategoryFactory, CommentFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["post", "category", "tag", "comment"])
def test_changelists_and_add_pages_render(admin_client, model):
    post = PostFactory(category=CategoryFactory(), tags=[TagFactory()])
    CommentFactory(post=post)
    changelist = reverse(f"admin:blog_{model}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "a"}).status_code == 200
    assert admin_client.get(reverse(f"admin:blog_{model}_add")).status_code == 200


def test_post_change_page_with_inline_comments(admin_client):
    comment = CommentFactory(body="Inline comment")
    response = admin_client.get(reverse("admin:blog_post_change", args=[comment.post.pk]))
    assert response.status_code == 200
    assert "Inline comment" in response.content.decode()


def test_publish_action(admin_client):
    draft = PostFactory(draft=True)
    response = admin_client.post(
        reverse("admin:blog_post_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED
    assert draft.published_at is not None
    assert list(Post.published.all()) == [draft]


def test_make_draft_action(admin_client):
    post = PostFactory()
    admin_client.post(
        reverse("admin:blog_post_changelist"), {"action": "make_draft", "_selected_action": [post.pk]}
    )
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_approve_and_unapprove_actions(admin_client):
    pending = CommentFactory.create_batch(2, is_approved=False)
    url = reverse("admin:blog_comment_changelist")
    admin_client.post(url, {"action": "approve", "_selected_action": [c.pk for c in pending]})
    assert Comment.objects.approved().count() == 2
    admin_client.post(url, {"action": "unapprove", "_selected_action": [pending[0].pk]})
    assert Comment.objects.pending().count() == 1
