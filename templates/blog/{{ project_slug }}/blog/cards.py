"""The post cards of the list pages (home, category, tag archives), cached as one fragment per page.

The fragment's key holds a version that ``signals.py`` renews whenever a post, a category, a tag, a
comment or a user changes, and the number of published posts (a scheduled post that falls due changes it
without any save). So a cached page is never stale, and ``CACHE_TIMEOUT`` only bounds how long an unused
one is kept. A change made with ``QuerySet.update()`` sends no signal: call ``invalidate_cards()`` after it.
It also renews the whole list pages that visitors who are not signed in get from the page cache
(``core/page_cache.py``), for as long as ``PAGE_CACHE_SECONDS`` or until the next scheduled post.
"""

from __future__ import annotations

from django.db.models import Min
from django.http import HttpRequest
from django.utils import timezone

from ..core.page_cache import invalidate_pages, version

#: The page-cache group of the list pages (``core/page_cache.py``): home, category and tag archives.
PAGES = "blog:lists"
CACHE_TIMEOUT = 10 * 60


def cards_key(path: str, page: int, total: int, *, signed_in: bool) -> str:
    """What one cached page of cards depends on (the template's ``{% cache %}`` varies on it)."""
    return f"{version(PAGES)}:{path}:{page}:{total}:{int(signed_in)}"


def invalidate_cards() -> None:
    """Every cached page of cards is stale, and so are the whole list pages kept for visitors who are not
    signed in: a new version of their page-cache group (never one used before, even after eviction)."""
    invalidate_pages(PAGES)


def seconds_until_next_post(request: HttpRequest) -> int | None:
    """How long a cached list page stays right: until the next scheduled post falls due (no save says so)."""
    from .models import Post

    due = Post.objects.scheduled().aggregate(next=Min("published_at"))["next"]
    return None if due is None else max(0, int((due - timezone.now()).total_seconds()))
