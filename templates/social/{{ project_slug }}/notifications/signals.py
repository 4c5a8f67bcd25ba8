"""Signing out ends the session's live notifications: its open sockets are closed. A notification saved or
deleted renews its recipient's kept pages, which show the unread badge (``badge.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from . import badge
from .models import Notification
from .services import send_to_group, session_group


@receiver(user_logged_out, dispatch_uid="notifications.close_sockets_on_logout")
def close_sockets_on_logout(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key:
        return

    def close() -> None:
        send_to_group(session_group(session_key), {"type": "session.ended"})

    transaction.on_commit(close, robust=True)  # a channel layer that is down does not break signing out


@receiver(post_save, sender=Notification, dispatch_uid="notifications.badge_on_save")
@receiver(post_delete, sender=Notification, dispatch_uid="notifications.badge_on_delete")
def renew_badge_pages(sender: type[Notification], instance: Notification, **kwargs: Any) -> None:
    badge.changed(instance.recipient_id)
