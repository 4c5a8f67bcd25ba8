"""The post cards of the list pages (home, category, tag archives), cached as one fragment per page.

The fragment's key holds a version that ``signals.py`` renews whenever a post, a category, a tag, a
comment or a user changes, and the number of published posts (a scheduled post that falls due changes it
without any save). So a cached page is never stale, and ``CACHE_TIMEOUT`` only bounds how long an unused
one is kept. A change made with ``QuerySet.update()`` sends no signal: call ``invalidate_cards()`` after it.
"""

from __future__ import annotations

import time

from django.core.cache import cache

VERSION_KEY = "blog:cards-version"
CACHE_TIMEOUT = 10 * 60


def cards_key(path: str, page: int, total: int, *, signed_in: bool) -> str:
    """What one cached page of cards depends on (the template's ``{% cache %}`` varies on it)."""
    version = cache.get_or_set(VERSION_KEY, time.time_ns, None)
    return f"{version}:{path}:{page}:{total}:{int(signed_in)}"


def invalidate_cards() -> None:
    """Every cached page of cards is stale: a new version (never one used before, even after eviction)."""
    cache.set(VERSION_KEY, time.time_ns(), None)
