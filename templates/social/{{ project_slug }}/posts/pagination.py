"""Keyset (cursor) pagination for the HTML pages: ``?before=<id>`` instead of ``?page=<n>``.

Posts are ordered newest first by primary key, so a page is "the next N posts older than the last one
shown": one indexed range scan however deep the page, and a new post never shifts what comes next.
The home feed mixes boosts in, each at the time of the boost, so its cursor is the last entry's
(time, post, boost) triple instead (``feed_page``): ``?before=<microseconds>_<post id>_<boost id>``.
People (search results) are ordered by username, the same way: ``?after=<username>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


@dataclass
class KeysetPage:
    items: list[Any]
    #: The ``before`` value of the next (older) page, or None on the last page.
    next_before: int | str | None


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


def card_page(
    viewer: AbstractBaseUser, kind: str, before: str | None, size: int, value: object = None
) -> KeysetPage:
    """A page of cards (``managers.card_page``: ``latest``, ``tagged`` or ``by``), as ``keyset_page`` gives
    it for the same posts, from the query compiled once for every reader."""
    from .managers import card_page as read

    rows = read(viewer, kind, parse_before(before), size + 1, value)
    items = rows[:size]
    return KeysetPage(items=items, next_before=items[-1].pk if len(rows) > size else None)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def feed_cursor(entry: Any) -> str:
    """The cursor after a feed entry: its time in microseconds since 1970 (UTC), its post and its boost."""
    micros = (entry.feed_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}_{entry.pk}_{entry.boost_pk}"


def parse_feed_cursor(value: object) -> tuple[datetime, int, int] | None:
    """A feed cursor from the query string (see ``feed_cursor``), or None (the first page) for anything
    else: three ids, the first a time the database can store."""
    if not isinstance(value, str):
        return None
    parts = [parse_id(part) for part in value.split("_")]
    if len(parts) != 3 or None in parts:
        return None
    micros, pk, boost_pk = parts
    try:
        at = _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        return None
    return at, pk, boost_pk


def feed_page(viewer: AbstractBaseUser, before: str | None, size: int) -> KeysetPage:
    """A page of ``viewer``'s home feed, boosts mixed in (``managers.feed_entries``): one query, and none for
    a first page read again unchanged (``timeline_cache``)."""
    from .timeline_cache import feed_entries

    rows = feed_entries(viewer, parse_feed_cursor(before), size + 1)
    items = rows[:size]
    return KeysetPage(items=items, next_before=feed_cursor(items[-1]) if len(rows) > size else None)


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
