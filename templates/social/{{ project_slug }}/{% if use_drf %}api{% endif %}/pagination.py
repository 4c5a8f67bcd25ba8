from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from ..posts.pagination import parse_id


class NewestFirstCursorPagination(CursorPagination):
    """Keyset pagination by primary key, newest first: ``?cursor=`` links, stable as new rows arrive."""

    ordering = "-pk"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request: Any) -> Any:
        """A cursor that was not handed out by this API is bad input (400), not a missing page.

        DRF checks the cursor's shape but not its position, which becomes ``pk < position``: anything
        but a post id (``p=\\x00``, ``p=abc``) would reach the database and fail there.
        """
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [str(error.detail)]}) from error
        if cursor is not None and cursor.position is not None and parse_id(cursor.position) is None:
            raise ValidationError({self.cursor_query_param: ["Invalid cursor: its position is not an id."]})
        return cursor

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``page_size`` with its bounds, so clients (and the schema's tests) see them."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
