"""Live delivery over WebSockets, with Channels' test communicator and the in-memory channel layer.

The consumer reads the session with ``database_sync_to_async``, which closes the test's open
transaction: these tests use ``transaction=True``.
"""

from importlib import import_module

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from ...posts.models import Post
from ...posts.services import like
from ...posts.tests.factories import PostFactory, UserFactory
from ..consumers import UNAUTHENTICATED, NotificationConsumer
from ..models import Notification
from ..services import notify

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED = {"type": "websocket.close", "code": UNAUTHENTICATED}


def signed_in(user, client: Client | None = None):
    """A session store that signs ``user`` in (that of ``client`` when given)."""
    client = client or Client()
    client.force_login(user)
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=client.session.session_key)


def communicator(user, session=None) -> WebsocketCommunicator:
    """A socket as ``AuthMiddlewareStack`` sets it up: the person and their session (none: anonymous)."""
    socket = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
    socket.scope["user"] = user
    if session is not None:
        socket.scope["session"] = session
    return socket


def test_anonymous_sockets_are_accepted_then_closed_with_4401():
    """Refused at the handshake, the browser would see 1006 and never learn to stop reconnecting."""

    async def scenario():
        socket = communicator(AnonymousUser())
        assert (await socket.connect())[0]
        assert await socket.receive_output(timeout=2) == CLOSED

    async_to_sync(scenario)()


def test_updates_reach_only_the_recipient_and_only_about_what_they_may_see():
    author = UserFactory(name="Ana")
    post = PostFactory(author=author)
    fan = UserFactory(name="Ben")
    hidden = PostFactory(author=UserFactory(), visibility=Post.Visibility.FOLLOWERS)
    sessions = signed_in(author), signed_in(fan)

    async def scenario():
        socket = communicator(author, sessions[0])
        bystander = communicator(fan, sessions[1])
        assert (await socket.connect())[0] and (await bystander.connect())[0]
        await sync_to_async(like)(fan, post)
        message = await socket.receive_json_from(timeout=2)
        assert message["unread"] == 1
        assert message["notification"]["text"] == "Ben liked your post"
        assert message["notification"]["url"] == post.get_absolute_url()
        assert await bystander.receive_nothing()  # only the recipient's tabs get it
        # About a post the recipient may not see (a mention below a post hidden from them): not pushed.
        await sync_to_async(notify)(author, Notification.Kind.MENTION, hidden.author, hidden)
        assert await socket.receive_nothing()
        await socket.disconnect()
        await bystander.disconnect()

    async_to_sync(scenario)()


def test_signing_out_closes_the_sockets_of_that_session_only():
    user = UserFactory()
    post = PostFactory(author=user)
    fans = UserFactory(), UserFactory()
    leaving, staying = Client(), Client()
    sessions = signed_in(user, leaving), signed_in(user, staying)

    async def scenario():
        closing, open_ = communicator(user, sessions[0]), communicator(user, sessions[1])
        assert (await closing.connect())[0] and (await open_.connect())[0]
        await sync_to_async(leaving.logout)()
        assert await closing.receive_output(timeout=2) == CLOSED
        await sync_to_async(like)(fans[0], post)
        assert (await open_.receive_json_from(timeout=2))["unread"] == 1
        # A session that ended some other way (expired, or removed from the session store, whose cache
        # the cached_db engine reads first when REDIS_URL is set): the next update closes the socket.
        await sync_to_async(sessions[1].delete)()
        await sync_to_async(like)(fans[1], post)
        assert await open_.receive_output(timeout=2) == CLOSED

    async_to_sync(scenario)()


def test_the_asgi_application_uses_the_session(client):
    """Through config/asgi.py: the origin is checked and the session cookie identifies the person."""
    from config.asgi import application

    user = UserFactory()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def scenario():
        signed_in = WebsocketCommunicator(
            application,
            "/ws/notifications/",
            headers=[(b"origin", b"http://localhost"), (b"cookie", cookie.encode())],
        )
        assert (await signed_in.connect())[0]
        assert await signed_in.receive_nothing()
        await signed_in.disconnect()
        anonymous = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[(b"origin", b"http://localhost")]
        )
        assert (await anonymous.connect())[0]
        assert await anonymous.receive_output(timeout=2) == CLOSED
        foreign = WebsocketCommunicator(
            application,
            "/ws/notifications/",
            headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie.encode())],
        )
        assert not (await foreign.connect())[0]

    async_to_sync(scenario)()
