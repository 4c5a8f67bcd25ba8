"""API errors are JSON, whatever went wrong: https://www.django-rest-framework.org/api-guide/exceptions/

Every error body has the shapes the OpenAPI schema documents (``schema.py``): ``{"detail": "..."}``, or
for invalid input an object of field names to lists of messages.
"""

import logging
from typing import Any

from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger(__name__)

SERVER_ERROR = "A server error occurred. It has been logged; please try again later."


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's handler for the errors it knows (400, 401, 403, 404, 405, 429…); any other exception is
    logged with its traceback, signalled like Django does, and answered with a JSON 500 instead of
    Django's HTML error page."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # A ValidationError raised with a bare message (e.g. a NUL character in ?search=): one shape for
        # every 400, the one the schema documents.
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    if response is None:
        request = context.get("request")
        logger.error(
            "Unhandled error in %s %s",
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        # As Django does for an exception it catches: error trackers (Sentry…) listen to this signal.
        got_request_exception.send(sender=None, request=getattr(request, "_request", request))
        set_rollback()
        response = Response({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
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
