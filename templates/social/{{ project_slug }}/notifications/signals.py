"""Signing out ends the session's live notifications: its open sockets are closed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from .services import send_to_group, session_group


@receiver(user_logged_out, dispatch_uid="notifications.close_sockets_on_logout")
def close_sockets_on_logout(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key:
        return

    def close() -> None:
        send_to_group(session_group(session_key), {"type": "session.ended"})

    transaction.on_commit(close, robust=True)  # a channel layer that is down does not break signing out
