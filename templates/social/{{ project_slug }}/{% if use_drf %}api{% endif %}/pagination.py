from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from ..core.storable import unstorable_character
from ..posts.pagination import parse_id


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


class UsernameCursorPagination(CheckedCursorPagination):
    """By username (unique, indexed), A to Z: the people search. A position is any text the database can
    compare (not a NUL)."""

    ordering = "username"
    invalid_position = "Invalid cursor: its position is not a username."

    def valid_position(self, position: str) -> bool:
        return unstorable_character(position) is None
