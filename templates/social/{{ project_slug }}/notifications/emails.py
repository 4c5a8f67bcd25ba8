"""Notification emails: one per notification of the kinds a person wants emailed (follow requests and
mentions by default), and a digest for people who were away. Each carries the one-click unsubscribe headers
of its kind (RFC 8058, ``preferences.unsubscribe_headers``) and goes through ``core.mail``."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone

from ..core.mail import email_backend
from . import preferences
from .models import Notification, NotificationPreference

#: People who have not signed in for this long get a digest of what they missed.
AWAY_FOR = timedelta(days=1)


def _site_url() -> str:
    """Emails link back with absolute URLs: the domain of the current ``Site`` (set it in the admin)."""
    return f"https://{Site.objects.get_current().domain}"


def _message(*, subject: str, template: str, person, kind: str, **context: object) -> EmailMessage:
    """An email of ``kind`` to ``person``, with its unsubscribe headers and links."""
    site_url = _site_url()
    headers = preferences.unsubscribe_headers(site_url, person, kind)
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": site_url,
        "unsubscribe_url": headers["List-Unsubscribe"][1:-1],
        "kind_label": preferences.LABELS[kind],
        **context,
    }
    return EmailMessage(
        subject=subject, body=render_to_string(template, context), to=[person.email], headers=headers
    )


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
    if not preferences.wants(recipient, notification.kind, "email"):
        return False  # turned off (perhaps by the unsubscribe link of an earlier email)
    if not Notification.objects.seen_by(recipient).filter(pk=notification.pk).exists():
        return False  # about a post the recipient may not see (any more)
    message = _message(
        subject=f"{settings.SITE_NAME}: {notification.summary}",
        template="notifications/email/notification.txt",
        person=recipient,
        kind=notification.kind,
        notification=notification,
    )
    email_backend().send_messages([message])
    return True


def send_digests(now=None) -> int:
    """Email each person who was away a list of their unread notifications of the last day (of the kinds
    they keep in the app), unless they turned the digest off.

    Run once a day; returns the number of emails sent.
    """
    now = now or timezone.now()
    since = now - AWAY_FOR
    digest_off = NotificationPreference.objects.filter(
        user=OuterRef("pk"), kind=preferences.DIGEST, email=False
    )
    people = (
        get_user_model()
        .objects.filter(is_active=True, last_login__lt=since)
        .exclude(Exists(digest_off))
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
            _message(
                subject=f"{settings.SITE_NAME}: {count} new notification{'s' if count != 1 else ''}",
                template="notifications/email/digest.txt",
                person=person,
                kind=preferences.DIGEST,
                notifications=notifications,
            )
        )
    if messages:
        email_backend().send_messages(messages)  # one SMTP connection for all
    return len(messages)
