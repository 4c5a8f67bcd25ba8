"""Pagination that does not count what is already counted."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator told how many objects its list holds (a kept count, or one the page has read anyway):
    it runs no ``COUNT`` over the list."""

    def __init__(self, object_list: Any, per_page: int, *args: Any, count: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.__dict__["count"] = count  # what the cached property would hold
