"""The WebSocket end of live notifications: ``/ws/notifications/`` (see ``routing.py``)."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .services import group_name

#: Close code for a socket opened without a signed-in session (4000-4999 are the application's own).
UNAUTHENTICATED = 4401


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Joins the signed-in person's group and forwards each update to the browser as JSON.

    The session cookie identifies the person (``AuthMiddlewareStack`` in ``config/asgi.py``); anonymous
    connections are refused with close code 4401. Messages from the browser are ignored: it only listens.
    """

    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        self.group = group_name(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notification_update(self, event: dict[str, Any]) -> None:
        await self.send_json(event["data"])
