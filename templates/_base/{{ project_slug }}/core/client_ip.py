"""The client's IP address: the one rule every rate limit and log of this project counts by.

``TRUSTED_PROXY_COUNT`` (settings, from the environment) says how many reverse proxies in front of the site
append the address they received the request from to ``X-Forwarded-For``. With 0 (the default) the header
is ignored: anyone can send it, so trusting it would let a client pick a fresh address for every request
and never meet a rate limit. The users of this rule:

- django-axes' login lockouts (``AXES_CLIENT_IP_CALLABLE``) or django-allauth's login rate limits (the
  account adapter, ``users/adapter.py``);
- the API throttles: DRF applies the same rule itself with ``REST_FRAMEWORK["NUM_PROXIES"]``, set from the
  same setting (``test_client_ip.py`` proves both give the same address);
- anything else that keys on or logs the client's address.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` reverse proxies, the address the first of them saw.

    Each proxy appends the address it received the request from to ``X-Forwarded-For``, so the entry
    ``TRUSTED_PROXY_COUNT`` places from the end is the client's; entries before it may be forged. A
    shorter header (a request that skipped the outer proxies) gives its first entry, as DRF does. An entry
    that is not an IP address (no proxy writes one: the request did not come through them) is not used.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    header = request.headers.get("x-forwarded-for")
    if count <= 0 or header is None:
        return remote
    forwarded = [part.strip() for part in header.split(",")]
    address = forwarded[-min(count, len(forwarded))]
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return remote
    return address
