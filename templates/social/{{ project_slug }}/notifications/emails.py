"""Notification emails: one for a follow request or a mention, and a digest for people who were away."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from ..core.mail import email_backend
from .models import Notification

#: People who have not signed in for this long get a digest of what they missed.
AWAY_FOR = timedelta(days=1)


def _context(**extra: object) -> dict[str, object]:
    """Emails link back with absolute URLs: the domain of the current ``Site`` (set it in the admin)."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": f"https://{Site.objects.get_current().domain}",
        **extra,
    }


def send_notification_email(notification_id: int) -> bool:
    """Email the recipient about one notification; False when there is nothing to send."""
    notification = (
        Notification.objects.select_related("recipient", "last_actor").filter(pk=notification_id).first()
    )
    if notification is None or notification.is_read:
        return False
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email):
        return False
    if not Notification.objects.for_recipient(recipient).filter(pk=notification.pk).exists():
        return False  # about a post the recipient may not see (any more)
    send_mail(
        subject=f"{settings.SITE_NAME}: {notification.summary}",
        message=render_to_string("notifications/email/notification.txt", _context(notification=notification)),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    return True


def send_digests(now=None) -> int:
    """Email each person who was away a list of their unread notifications of the last day.

    Run once a day; returns the number of emails sent.
    """
    now = now or timezone.now()
    since = now - AWAY_FOR
    people = (
        get_user_model()
        .objects.filter(is_active=True, last_login__lt=since)
        .exclude(email="")
        .filter(notifications__is_read=False, notifications__updated_at__gte=since)
        .distinct()
    )
    messages = []
    for person in people:
        notifications = list(
            Notification.objects.for_recipient(person)
            .unread()
            .filter(updated_at__gte=since)
            .select_related("last_actor")[:20]
        )
        if not notifications:
            continue
        count = len(notifications)
        messages.append(
            EmailMessage(
                subject=f"{settings.SITE_NAME}: {count} new notification{'s' if count != 1 else ''}",
                body=render_to_string(
                    "notifications/email/digest.txt", _context(person=person, notifications=notifications)
                ),
                to=[person.email],
            )
        )
    if messages:
        email_backend().send_messages(messages)  # one SMTP connection for all
    return len(messages)
