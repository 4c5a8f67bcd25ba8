import asyncio
import re

from django.http import HttpResponse
from django.test import RequestFactory

from ..middleware import ServerTimingMiddleware

SERVER_TIMING = re.compile(r"^app;dur=\d+\.\d$")


def test_every_response_has_a_server_timing_header(client, db):
    response = client.get("/healthz/")
    assert SERVER_TIMING.match(response["Server-Timing"])


def test_sync_middleware_adds_the_header():
    middleware = ServerTimingMiddleware(lambda request: HttpResponse("ok"))
    response = middleware(RequestFactory().get("/"))
    assert SERVER_TIMING.match(response["Server-Timing"])


def test_async_middleware_adds_the_header():
    async def get_response(request):
        return HttpResponse("ok")

    middleware = ServerTimingMiddleware(get_response)
    assert asyncio.iscoroutinefunction(middleware.__acall__)
    response = asyncio.run(middleware(RequestFactory().get("/")))
    assert SERVER_TIMING.match(response["Server-Timing"])
