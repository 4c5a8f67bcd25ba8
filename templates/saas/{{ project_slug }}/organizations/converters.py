"""The ``<id:pk>`` path converter: a primary key of at most 18 digits.

Django's ``<int:…>`` accepts any length, and an id beyond 64 bits fails in the database (a 500);
this one answers 404 at URL resolution, like any id that names nothing.
"""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
