"""Keyset (cursor) pagination for the HTML pages: ``?before=<id>`` instead of ``?page=<n>``.

Posts are ordered newest first by primary key, so a page is "the next N posts older than the last one
shown": one indexed range scan however deep the page, and a new post never shifts what comes next.
People (search results) are ordered by username, the same way: ``?after=<username>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass
class KeysetPage:
    items: list[Any]
    #: The ``before`` value of the next (older) page, or None on the last page.
    next_before: int | None


def parse_id(value: object) -> int | None:
    """An id from the query string (ASCII digits that fit a 64-bit key), else None.

    ``str.isdigit`` alone is not enough: it accepts "²" and other digits ``int()`` refuses.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def parse_before(value: str | None) -> int | None:
    """A ``before`` cursor from the query string; anything that is not a positive id means "first page"."""
    return parse_id(value)


def keyset_page(queryset: QuerySet, before: str | None, size: int) -> KeysetPage:
    cursor = parse_before(before)
    if cursor is not None:
        queryset = queryset.filter(pk__lt=cursor)
    rows = list(queryset.order_by("-pk")[: size + 1])
    has_more = len(rows) > size
    items = rows[:size]
    return KeysetPage(items=items, next_before=items[-1].pk if has_more else None)


@dataclass
class NamePage:
    items: list[Any]
    #: The ``after`` value of the next page (the last username shown), or None on the last page.
    next_after: str | None


def username_page(queryset: QuerySet, after: str | None, size: int) -> NamePage:
    """People in username order, those after the username ``after`` (unique and indexed: one range scan)."""
    if after:
        queryset = queryset.filter(username__gt=after)
    rows = list(queryset.order_by("username")[: size + 1])
    items = rows[:size]
    return NamePage(items=items, next_after=items[-1].username if len(rows) > size else None)
