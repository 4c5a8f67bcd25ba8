"""Query-string filters shared by the API's filter sets (django-filter)."""

from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
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


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 / RFC 3339 date-time, turned into UTC before it reaches the database.

    RFC 3339 allows offsets up to ±23:59 and PostgreSQL refuses any beyond ±15:59, so
    ``?published_before=2026-06-15T14:55:40+17:06`` is answered (as 21:49:40 the day before, UTC) instead of
    refused. A moment that has no UTC date (``0001-01-01T00:00+05:00``) is "Enter a valid date/time.".
    """

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None or timezone.is_naive(parsed):
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """``IsoDateTimeFilter`` with its value in UTC (see ``UtcIsoDateTimeField``): use it for date-times."""

    field_class = UtcIsoDateTimeField
