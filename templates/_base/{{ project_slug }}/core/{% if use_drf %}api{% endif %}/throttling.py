"""The API's default throttles (``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``): DRF's anonymous and user
rates, counted with one counter per client instead of a list of the time of every request.

DRF's ``SimpleRateThrottle`` keeps, per client, the time of each request of the last period (up to 1,000
numbers for "1000/hour") and reads and rewrites that whole list on every request: two round trips to the
cache and a list that grows with the client's use. Here a client's period starts with its first request
and holds one integer: with Redis, one round trip creates it (with the period as its expiry), adds one and
reads how long the period still runs; with any other cache, ``add`` and ``incr``. A client may make
``num_requests`` requests per period; the refusal's ``Retry-After`` is the time left in the period.

The trade-off: the count restarts when a period ends instead of sliding, so a client may spend a whole
rate at the end of one period and again at the start of the next (at most twice the rate over any span of
one period). Throttles are a brake on heavy clients, not a security boundary; login attempts have their
own limit.

https://www.django-rest-framework.org/api-guide/throttling/
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling

if TYPE_CHECKING:  # DRF's views import the default throttles (these) while they load
    from rest_framework.request import Request
    from rest_framework.views import APIView


def count_request(cache: Any, key: str, seconds: int) -> tuple[int, float | None]:
    """Add one to ``key``'s counter, which lasts ``seconds`` from its first request: the new count and the
    seconds left (None: unknown)."""
    cache = caches[DEFAULT_CACHE_ALIAS] if cache is default_cache else cache  # the backend, not its proxy
    if isinstance(cache, RedisCache):
        full = cache.make_and_validate_key(key)
        # One round trip: create the counter with its expiry unless it exists, add one, read the expiry.
        # (Django's own ``incr`` would ask whether the key exists first.)
        pipeline = cache._cache.get_client(full, write=True).pipeline(transaction=False)
        pipeline.set(full, 0, ex=seconds, nx=True).incr(full).ttl(full)
        _, count, left = pipeline.execute()
        return int(count), float(left) if left and left > 0 else None
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key), None
    except ValueError:  # expired between the two calls: a new period
        cache.set(key, 1, seconds)
        return 1, None


class CountingRateThrottle(throttling.SimpleRateThrottle):
    """A ``SimpleRateThrottle`` (same rates, scopes and cache keys) that counts instead of listing times."""

    left: float | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        # Its own key: a list kept by DRF's throttle under the plain one is left to expire.
        count, self.left = count_request(self.cache, f"{self.key}:count", self.duration)
        return count <= self.num_requests

    def wait(self) -> float | None:
        return self.left if self.left is not None else float(self.duration)


class AnonRateThrottle(CountingRateThrottle, throttling.AnonRateThrottle):
    """Clients that are not signed in, per address (``NUM_PROXIES``: core/client_ip.py's rule)."""


class UserRateThrottle(CountingRateThrottle, throttling.UserRateThrottle):
    """Signed-in clients per user; anonymous ones per address."""
