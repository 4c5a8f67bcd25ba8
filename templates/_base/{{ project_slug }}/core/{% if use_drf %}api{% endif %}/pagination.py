"""Page-number pagination told the total by its view, when the view knows it without counting."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from ..pagination import CountedPaginator


class KnownCountPagination(PageNumberPagination):
    """Page numbers, with ``count`` from the view's ``known_count()`` (a kept count, or one the view reads
    anyway) instead of a ``COUNT`` over the list; ``known_count()`` returns None when the list must be
    counted (a filter or a search the kept count does not follow)."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        count = None
        if view is not None and not queryset.query.is_empty():
            count = view.known_count()
        self.django_paginator_class = Paginator if count is None else partial(CountedPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)
