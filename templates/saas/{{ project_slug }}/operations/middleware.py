import ipaddress
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .context import client_address, request_id

#: An incoming X-Request-ID (from the load balancer) is kept only if it looks like an id.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str | None:
    """``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the address the first of them saw.

    A forwarded value that is not an IP address (a client's own ``X-Forwarded-For`` reaching the site
    past a proxy that does not append) is not used: the audit log stores addresses in an ``inet`` column
    on PostgreSQL, which refuses anything else.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count and _valid_ip(forwarded[-count]):
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (kept from ``X-Request-ID`` or made up), returned in the response header
    and added to every log line and audit event of the request, with the client's address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        id_token = request_id.set(request.request_id)
        address_token = client_address.set(client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(id_token)
            client_address.reset(address_token)
        response["X-Request-ID"] = request.request_id
        return response
