"""API errors are JSON, whatever went wrong: https://www.django-rest-framework.org/api-guide/exceptions/

Every error body has the shapes the OpenAPI schema documents (``schema.py``): ``{"detail": "..."}``, or
for invalid input an object of field names to lists of messages.
"""

from typing import Any

from django.core.signals import got_request_exception
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.log import log_response
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from ..integrity import is_unique_violation

SERVER_ERROR = "A server error occurred. It has been logged; please try again later."
CONFLICT = (
    "This conflicts with a change sent at the same moment (a value that must be unique is now taken); "
    "reload and try again."
)
OUT_OF_RANGE = "A value is outside what the database can store (a date, a time zone offset or a number)."


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's handler for the errors it knows (400, 401, 403, 404, 405, 429…); any other exception is
    logged with its traceback, signalled like Django does, and answered with a JSON 500 instead of
    Django's HTML error page.

    A unique constraint that refuses a write which passed validation (two requests creating the same name
    at once) is invalid input, answered 400 like any other; so is a value the database cannot hold though
    Python accepted it (PostgreSQL's ``DataError``: a time zone offset beyond ±15:59, a year 0)."""
    if is_unique_violation(exc):
        exc = ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [CONFLICT]})
    elif isinstance(exc, DataError):
        exc = ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [OUT_OF_RANGE]})
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # A ValidationError raised with a bare message (e.g. a NUL character in ?search=): one shape for
        # every 400, the one the schema documents.
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    if response is None:
        request = context.get("request")
        django_request = getattr(request, "_request", request)
        # As Django does for an exception it catches: error trackers (Sentry…) listen to this signal.
        got_request_exception.send(sender=None, request=django_request)
        set_rollback()
        response = Response({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        # Logged once, with the traceback, on Django's own "django.request" logger (as its 500 page is);
        # the response is marked logged, so Django does not add a second line without the traceback.
        log_response(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            response=response,
            request=django_request,
            exception=exc,
        )
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404`` (config/urls.py): JSON for a URL under /api/ that matches no route, the site's 404
    page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: JSON for an error outside DRF's views (middleware, say) under /api/, the site's
    500 page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
