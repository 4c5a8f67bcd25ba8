from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """Keyset pagination by primary key, newest first: ``?cursor=`` links, stable as new rows arrive."""

    ordering = "-pk"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request: Any) -> Any:
        """A cursor that was not handed out by this API is bad input (400), not a missing page."""
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [str(error.detail)]}) from error

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``page_size`` with its bounds, so clients (and the schema's tests) see them."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
