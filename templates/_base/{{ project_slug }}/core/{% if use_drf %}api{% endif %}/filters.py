"""Query-string filters shared by the API's filter sets (django-filter)."""

from typing import Any

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from .fields import MAX_ID


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """Rows related to the object with this id (``?list=3``): a whole number from 1 to ``MAX_ID``.

    django-filter's ``NumberFilter`` accepts any decimal, which reaches the database unchecked; this one
    validates like ``fields.IdField``, so ``?list=99999999999999999999999`` is a 400, not a 500.
    """

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
