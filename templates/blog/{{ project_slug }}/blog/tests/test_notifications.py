from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ..models import Comment
from ..notifications import send_comment_notification, send_pending_comment_reminders
from .factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_author_is_emailed_about_a_new_comment(mailoutbox, author, post):
    comment = CommentFactory(post=post, body="What a read", is_approved=False)
    assert send_comment_notification(comment.pk) is True
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [author.email]
    assert "A published post" in message.subject
    assert "What a read" in message.body


def test_no_email_for_own_comment_or_missing_comment(mailoutbox, author, post):
    own = CommentFactory(post=post, author=author)
    assert send_comment_notification(own.pk) is False
    assert send_comment_notification(own.pk + 1000) is False
    assert mailoutbox == []


def test_commenting_emails_the_author_after_commit(
    client, mailoutbox, other_user, post, django_capture_on_commit_callbacks
):
    client.force_login(other_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("blog:comment_create", kwargs={"slug": post.slug}), {"body": "Nice one"})
        assert mailoutbox == []  # nothing is sent before the transaction commits
    assert callbacks
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [post.author.email]


def test_daily_reminder_of_pending_comments(mailoutbox, author, other_user, post):
    old = timezone.now() - timedelta(days=2)
    for _ in range(2):
        Comment.objects.filter(pk=CommentFactory(post=post, is_approved=False).pk).update(created_at=old)
    CommentFactory(post=post, is_approved=False)  # too recent to remind about
    Comment.objects.filter(pk=CommentFactory(post=post).pk).update(created_at=old)  # already approved
    CommentFactory(post=PostFactory(author=other_user), is_approved=False)

    assert send_pending_comment_reminders() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [author.email]
    assert mailoutbox[0].subject == "2 comment(s) waiting for your approval"
    assert "2 comments on your posts are waiting" in mailoutbox[0].body


def test_no_reminder_without_pending_comments(mailoutbox, post):
    CommentFactory(post=post)
    assert send_pending_comment_reminders() == 0
    assert mailoutbox == []


def test_failing_notification_does_not_lose_the_comment(
    client, other_user, post, django_capture_on_commit_callbacks, monkeypatch
):
    def broken_mail(*args, **kwargs):
        raise ValueError("mail server misconfigured")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_mail)
    client.force_login(other_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("blog:comment_create", kwargs={"slug": post.slug}), {"body": "Still here"}
        )
    assert response.status_code == 302
    assert Comment.objects.filter(body="Still here").exists()
