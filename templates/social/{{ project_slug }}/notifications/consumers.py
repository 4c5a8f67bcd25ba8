"""The WebSocket end of live notifications: ``/ws/notifications/`` (see ``routing.py``)."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user

from .services import group_name, session_group

#: Close code for a socket without a signed-in session (4000-4999 are the application's own): at the
#: handshake, after signing out, or when the session ended. The page's script stops reconnecting on it.
UNAUTHENTICATED = 4401


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Joins the signed-in person's group and forwards each update to the browser as JSON.

    The session cookie identifies the person (``AuthMiddlewareStack`` in ``config/asgi.py``). A socket
    without a signed-in session is accepted and closed at once with 4401: a refused handshake reaches
    the browser as 1006 whatever the code, and the script would retry forever. Signing out closes the
    session's sockets (``signals.py``), and each update checks first that the session still signs the
    person in (it may have expired, or been ended elsewhere). Messages from the browser are ignored.
    """

    #: The person's id and the groups the socket joined, set once it is signed in.
    user_id: int | None = None
    joined: tuple[str, ...] = ()

    async def connect(self) -> None:
        user = self.scope.get("user")
        session_key = getattr(self.scope.get("session"), "session_key", None)
        await self.accept()
        if user is None or not user.is_authenticated or not session_key:
            await self.close(code=UNAUTHENTICATED)
            return
        self.user_id = user.pk
        self.joined = (group_name(user.pk), session_group(session_key))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def notification_update(self, event: dict[str, Any]) -> None:
        if not await self._still_signed_in():
            await self.close(code=UNAUTHENTICATED)
            return
        await self.send_json(event["data"])

    async def session_ended(self, event: dict[str, Any]) -> None:
        """The person signed out of this session (``signals.close_sockets_on_logout``)."""
        await self.close(code=UNAUTHENTICATED)

    @database_sync_to_async
    def _still_signed_in(self) -> bool:
        """Whether the session, read afresh from its store, still signs in the socket's person."""
        store = import_module(settings.SESSION_ENGINE).SessionStore(
            session_key=self.scope["session"].session_key
        )
        return get_user(SimpleNamespace(session=store)).pk == self.user_id
