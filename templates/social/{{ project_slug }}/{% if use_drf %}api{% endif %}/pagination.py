from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination

from ..core.storable import unstorable_character
from ..posts.pagination import feed_cursor, parse_feed_cursor, parse_id
from ..posts.timeline_cache import feed_entries


class CheckedCursorPagination(CursorPagination):
    """Keyset pagination (``?cursor=`` links, stable as new rows arrive) that refuses forged cursors."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    #: Why a decoded position is refused (``valid_position`` said no).
    invalid_position = "Invalid cursor: its position is not an id."

    def valid_position(self, position: str) -> bool:
        return parse_id(position) is not None

    def decode_cursor(self, request: Any) -> Any:
        """A cursor that was not handed out by this API is bad input (400), not a missing page.

        DRF checks the cursor's shape but not its position, which becomes a comparison in the database:
        anything but a value of the ordering's column (``p=\\x00``, ``p=abc`` for an id) would reach the
        database and fail there.
        """
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [str(error.detail)]}) from error
        if cursor is not None and cursor.position is not None and not self.valid_position(cursor.position):
            raise ValidationError({self.cursor_query_param: [self.invalid_position]})
        return cursor

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``page_size`` with its bounds, so clients (and the schema's tests) see them."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class NewestFirstCursorPagination(CheckedCursorPagination):
    """By primary key, newest first; a position is a post (or row) id."""

    ordering = "-pk"


class OldestFirstCursorPagination(CheckedCursorPagination):
    """By primary key, oldest first (the moderation queue); a position is a row id."""

    ordering = "pk"


class FeedCursorPagination(CheckedCursorPagination):
    """The home feed with its boosts (``posts.managers.feed_entries``), newest first by (time, post, boost):
    a position is a feed cursor (``posts.pagination.feed_cursor``), read forward only (``previous`` is
    null). The view's queryset is not read: the entries come from the one UNION query of the feed (the
    first page from the person's own copy in ``posts.timeline_cache``)."""

    ordering = "-pk"  # what the schema shows; the entries' own order is ``managers.FEED_ORDER``
    invalid_position = "Invalid cursor: its position is not a place in the feed."

    def valid_position(self, position: str) -> bool:
        return parse_feed_cursor(position) is not None

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        cursor = self.decode_cursor(request)
        after = parse_feed_cursor(cursor.position) if cursor is not None and cursor.position else None
        rows = feed_entries(request.user, after, self.page_size + 1)
        self.page = rows[: self.page_size]
        self.next_position = feed_cursor(self.page[-1]) if len(rows) > self.page_size else None
        return self.page

    def get_next_link(self) -> str | None:
        if self.next_position is None:
            return None
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=self.next_position))

    def get_previous_link(self) -> None:
        return None


class UsernameCursorPagination(CheckedCursorPagination):
    """By username (unique, indexed), A to Z: the people search. A position is any text the database can
    compare (not a NUL)."""

    ordering = "username"
    invalid_position = "Invalid cursor: its position is not a username."

    def valid_position(self, position: str) -> bool:
        return unstorable_character(position) is None
