"""Per-person rate limits (anti-spam), counted in the cache.

``settings.SOCIAL_RATE_LIMITS`` maps an action to ``"<count>/<seconds>"``. Counting uses ``cache.add`` and
``cache.incr``, which are atomic in Redis and Memcached, so every server process shares one count when the
cache is shared; with the local-memory cache each process counts on its own.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


class RateLimited(Exception):
    """Raised when someone acts more often than their limit allows; the message says when to retry."""

    def __init__(self, action: str, limit: int, window: int, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Slow down: at most {limit} {action}{'s' if limit != 1 else ''} in {_duration(window)}. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds)


def hit(user_id: int, action: str) -> None:
    """Count one ``action`` by ``user_id``; raise ``RateLimited`` once the window's limit is passed."""
    limit, window = parse_rate(settings.SOCIAL_RATE_LIMITS[action])
    now = int(time.time())
    window_start = now - now % window
    key = f"ratelimit:{action}:{user_id}:{window_start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        raise RateLimited(action, limit, window, retry_after=window_start + window - now)
