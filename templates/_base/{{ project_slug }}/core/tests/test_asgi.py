import asyncio
from unittest import mock

import pytest
from asgiref.sync import AsyncToSync
from asgiref.testing import ApplicationCommunicator
from django.http import HttpResponse
from django.urls import include, path

from ..asgi import ThreadedMiddlewareHandler


def page(request):
    return HttpResponse(f"{request.method} page")


async def async_page(request):
    return HttpResponse("async page")


urlpatterns = [path("page/", page), path("async/", async_page), path("", include("config.urls"))]


def request(handler, url: str, method: str = "GET") -> tuple[int, bytes, int]:
    """The status and body of ``url`` through ``handler``, and how often the request passed from a worker
    thread back to the event loop (``async_to_sync``)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": url, "raw_path": url.encode(), "root_path": "", "query_string": b"",
        "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    passes = []
    pass_to_the_loop = AsyncToSync.__call__

    def counted(self, *args, **kwargs):
        passes.append(self.awaitable)
        return pass_to_the_loop(self, *args, **kwargs)

    async def exchange():
        communicator = ApplicationCommunicator(handler, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(5)
        body = await communicator.receive_output(5)
        return start["status"], body["body"]

    with mock.patch.object(AsyncToSync, "__call__", counted):
        status, body = asyncio.run(exchange())
    return status, body, len(passes)


@pytest.fixture
def handler(settings):
    settings.ROOT_URLCONF = __name__
    return ThreadedMiddlewareHandler()


def test_a_synchronous_view_and_every_middleware_run_in_one_worker_thread(handler):
    assert request(handler, "/page/") == (200, b"GET page", 0)
    # CSRF's process_view runs there too (Django's own handler makes each process_view a coroutine).
    status, _, passes = request(handler, "/page/", method="POST")
    assert (status, passes) == (403, 0)


def test_an_asynchronous_view_is_run_from_the_worker_thread(handler):
    assert request(handler, "/async/") == (200, b"async page", 1)


def test_the_application_serves_http_with_this_handler():
    from config import asgi

    http = getattr(asgi.application, "application_mapping", {"http": asgi.application})["http"]
    assert isinstance(http, ThreadedMiddlewareHandler)
