"""The project's own middleware: a ``Server-Timing`` header with the time Django spent on the request, a
400 for text the database cannot store (``storable.py``), and the signed-in user looked up before the
view's transaction."""

import time
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

from . import storable
from .request_body import refused_by_view

#: The key of errors that belong to no one field, as DRF names it.
NON_FIELD_ERRORS = "non_field_errors"


class _SyncAndAsync:
    """Middleware that runs under WSGI and ASGI alike, as Django's own does: marked as a coroutine function
    when the next handler is one, so Django never wraps it in a thread."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(self.get_response):
            markcoroutinefunction(self)


class ServerTimingMiddleware(_SyncAndAsync):
    """Adds ``app;dur=<ms>`` to the ``Server-Timing`` header; browsers show it in their network panel.

    Metrics already in the header (the debug toolbar's SQL time, set inside this middleware in local
    settings) are kept. Works under WSGI and ASGI (sync and async capable), as Django's own middleware does.
    """

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


class SignedInUserMiddleware(_SyncAndAsync):
    """Looks up the signed-in user (``request.user``) before the view runs, outside its transaction.

    Django looks the user up lazily, on first use, which is nearly always inside the view, and so inside
    the transaction ``ATOMIC_REQUESTS`` opens around it: a view that then makes no other query (a page or an
    API list served from the cache, ``page_cache.py``) still pays ``BEGIN`` and ``COMMIT``, two round trips
    to the database. Read here, in autocommit, the user row costs its one query, and a transaction with no
    query sends nothing. The view's own queries stay in its transaction as before. A request without a
    session cookie looks nothing up (the session is empty).

    Sync only in effect: under ASGI it passes the request on, and the (sync) view looks the user up in its
    own thread as Django does by default.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - evaluates the lazy user: its query, here
        return self.get_response(request)


class UnstorableTextMiddleware(_SyncAndAsync):
    """Answers 400, with the reason, a request that carries text the database cannot store: a NUL character
    or a lone surrogate in the path, the query string, a cookie, a form or a JSON body (``storable.py``).

    PostgreSQL raises ``DataError`` on such text (a server error) wherever a view compares or saves it,
    so this one check spares every view, form, filter and serializer from repeating it. Pages get the
    ``400.html`` page; URLs under ``/api/`` a JSON body in the API's documented error shape
    (``{"<field>": ["<message>"]}``); other requests that send JSON (a payment provider's webhook)
    ``{"detail": "<reason>"}``.

    It runs before the session middleware (a forged session cookie would reach the database there), so the
    error page renders without the request's context. It reads a POST form through ``request.POST``, as
    CSRF protection does, so a view cannot change ``request.upload_handlers`` afterwards. Works under WSGI
    and ASGI (sync and async capable); under ASGI a body is read in a thread, as a sync view would read it.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self):
            return self.__acall__(request)
        refusal = self._refusal(request, storable.in_request_line(request))
        if refusal is None and self._reads_body(request):
            refusal = self._body_refusal(request)
        return refusal or self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request, storable.in_request_line(request))
        if refusal is None and self._reads_body(request):
            refusal = await sync_to_async(self._body_refusal)(request)
        return refusal or await self.get_response(request)  # type: ignore[misc]

    @staticmethod
    def _reads_body(request: HttpRequest) -> bool:
        """A form or JSON body, unless its view refuses it unread (an API view's 415: ``request_body``)."""
        return storable.has_checked_body(request) and not refused_by_view(request)

    def _body_refusal(self, request: HttpRequest) -> HttpResponse | None:
        try:
            found = storable.in_body(request)
        except (MultiPartParserError, SuspiciousOperation, BadRequest) as error:
            if storable.is_json(request.content_type) and not _is_api(request):
                return JsonResponse({"detail": str(error)}, status=400)
            if not _is_api(request):
                raise  # Django answers these with its 400 page, as it would without this middleware
            # What DRF answers for a body it cannot parse (its parsers' ParseError).
            return JsonResponse({"detail": f"The request body could not be read: {error}"}, status=400)
        return self._refusal(request, found)

    @staticmethod
    def _refusal(request: HttpRequest, found: storable.Unstorable | None) -> HttpResponse | None:
        if found is None:
            return None
        if _is_api(request):
            api = getattr(settings, "REST_FRAMEWORK", {})
            key = found.field or api.get("NON_FIELD_ERRORS_KEY", NON_FIELD_ERRORS)
            return JsonResponse({key: [found.message]}, status=400)
        if storable.is_json(request.content_type):
            return JsonResponse({"detail": found.reason}, status=400)
        return HttpResponseBadRequest(render_to_string("400.html", {"reason": found.reason}))


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")
