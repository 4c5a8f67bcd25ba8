"""Custom middleware: a ``Server-Timing`` header with the time Django spent on the request, and a
``Permissions-Policy`` header that turns off the browser features the site does not use."""

import time
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    """Adds ``app;dur=<ms>`` to the ``Server-Timing`` header; browsers show it in their network panel.

    Metrics already in the header (the debug toolbar's SQL time, set inside this middleware in local
    settings) are kept. Works under WSGI and ASGI (sync and async capable), as Django's own middleware does.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(self.get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self):
            return self.__acall__(request)
        started = time.perf_counter()
        response = self.get_response(request)
        return self._add_header(response, started)  # type: ignore[arg-type]

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = await self.get_response(request)  # type: ignore[misc]
        return self._add_header(response, started)

    @staticmethod
    def _add_header(response: HttpResponse, started: float) -> HttpResponse:
        metric = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        earlier = response.get("Server-Timing")
        response["Server-Timing"] = f"{earlier}, {metric}" if earlier else metric
        return response
