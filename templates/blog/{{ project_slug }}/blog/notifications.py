"""Emails the blog sends. Plain functions: called directly, or from Celery tasks when Celery is on."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, send_mail
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from ..core.mail import email_backend
from .models import Comment


def send_comment_notification(comment_id: int) -> bool:
    """Tell a post's author that a comment waits for moderation. Returns whether an email was sent."""
    comment = Comment.objects.select_related("post", "post__author", "author").filter(pk=comment_id).first()
    if comment is None:  # deleted before the notification ran
        return False
    recipient = comment.post.author
    if not recipient.email or recipient.pk == comment.author_id:
        return False
    context = {"comment": comment, "post": comment.post, "site_name": settings.SITE_NAME}
    send_mail(
        subject=f"New comment on “{comment.post.title}”",
        message=render_to_string("blog/email/new_comment.txt", context),
        from_email=None,
        recipient_list=[recipient.email],
    )
    return True


def send_pending_comment_reminders(older_than: timedelta = timedelta(days=1)) -> int:
    """Remind each author whose posts have comments waiting longer than ``older_than``.

    Returns the number of emails sent (one per author, in one SMTP connection).
    """
    cutoff = timezone.now() - older_than
    waiting = dict(
        Comment.objects.pending()
        .filter(created_at__lte=cutoff)
        .values_list("post__author")
        .annotate(count=Count("pk"))
        .values_list("post__author", "count")
    )
    authors = get_user_model().objects.filter(pk__in=waiting, is_active=True).exclude(email="")
    messages = [
        EmailMessage(
            subject=f"{waiting[author.pk]} comment(s) waiting for your approval",
            body=render_to_string(
                "blog/email/pending_comments.txt",
                {"author": author, "count": waiting[author.pk], "site_name": settings.SITE_NAME},
            ),
            to=[author.email],
        )
        for author in authors
    ]
    if messages:
        email_backend().send_messages(messages)
    return len(messages)
