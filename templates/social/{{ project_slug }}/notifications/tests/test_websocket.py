"""Live delivery over WebSockets, with Channels' test communicator and the in-memory channel layer."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from ...posts.services import like
from ...posts.tests.factories import PostFactory, UserFactory
from ..consumers import UNAUTHENTICATED, NotificationConsumer

pytestmark = pytest.mark.django_db


def communicator(user) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
    socket.scope["user"] = user
    return socket


def test_anonymous_sockets_are_closed_with_a_code():
    async def scenario():
        socket = communicator(AnonymousUser())
        connected, code = await socket.connect()
        assert (connected, code) == (False, UNAUTHENTICATED)

    async_to_sync(scenario)()


def test_a_like_is_pushed_to_the_author(django_capture_on_commit_callbacks):
    author = UserFactory(name="Ana")
    post = PostFactory(author=author)
    fan = UserFactory(name="Ben")

    def act():
        with django_capture_on_commit_callbacks(execute=True):
            like(fan, post)

    async def scenario():
        socket = communicator(author)
        bystander = communicator(fan)
        assert (await socket.connect())[0] and (await bystander.connect())[0]
        # sync_to_async, not database_sync_to_async: that one closes the test's open transaction.
        await sync_to_async(act)()
        message = await socket.receive_json_from(timeout=2)
        assert message["unread"] == 1
        assert message["notification"]["text"] == "Ben liked your post"
        assert message["notification"]["url"] == post.get_absolute_url()
        assert await bystander.receive_nothing()  # only the recipient's tabs get it
        await socket.disconnect()
        await bystander.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
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
        await signed_in.disconnect()
        anonymous = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[(b"origin", b"http://localhost")]
        )
        assert await anonymous.connect() == (False, UNAUTHENTICATED)
        foreign = WebsocketCommunicator(
            application,
            "/ws/notifications/",
            headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie.encode())],
        )
        assert not (await foreign.connect())[0]

    async_to_sync(scenario)()
