"""Serializer fields for ids: bounded to the range of the database's 64-bit primary keys.

An unbounded integer reaches the database as is, and SQLite refuses anything past 64 bits with an
``OverflowError`` (a 500); a bounded field answers 400 and the schema tells clients the range.
"""

from typing import Any

from rest_framework import serializers

#: The largest value of a ``BigAutoField`` (``DEFAULT_AUTO_FIELD``) on every supported database.
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """The id of an existing row: a positive integer no larger than ``MAX_ID``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
