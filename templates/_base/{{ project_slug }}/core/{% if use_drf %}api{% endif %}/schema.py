"""The OpenAPI schema's shared conventions (``DEFAULT_SCHEMA_CLASS``): https://drf-spectacular.readthedocs.io/

Declared once here instead of on every view:

- the error responses every operation may give, with their bodies: 400 (invalid input: field names to
  lists of messages), 401, 403, 404 and 429 (``{"detail": "..."}``, see ``exceptions.py``);
- an operation that uploads a file takes ``multipart/form-data`` only: JSON and URL-encoded forms
  cannot carry one;
- ids of related objects as integers from 1 to ``MAX_ID`` (what ``fields.IdField`` enforces);
- the rules DRF applies to every string it reads: no NUL character anywhere (body and query string), and
  a required string is trimmed first, so it needs a character that is not whitespace. drf-spectacular adds
  ``minLength: 1`` to required strings itself (``COMPONENT_SPLIT_REQUEST``). The NUL rule holds beyond
  what the schema declares: ``core/storable.py`` refuses a NUL in any name or value of a request, fields
  an operation ignores included, with the same message.
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

from .fields import MAX_ID

#: Any string without NUL (DRF and Django forms refuse it: "Null characters are not allowed.").
NO_NUL = r"^[^\x00]*$"
#: What Python's ``str.strip()`` (DRF's trim) removes besides ECMAScript's ``\s`` (which a schema regex
#: means): the information separators U+001C-U+001F and NEL (U+0085). A name that is only these is blank.
PY_SPACE = r"\x1c-\x1f\x85"
#: Also not blank once trimmed of whitespace (DRF's CharField with trim_whitespace and not allow_blank).
NOT_BLANK = rf"^[^\x00]*[^\s\x00{PY_SPACE}][^\x00]*$"

#: Bodies of invalid-input answers: each field name (or ``non_field_errors``) maps to its messages.
VALIDATION_ERROR = {
    "type": "object",
    "description": "Each invalid field (or `non_field_errors`) with a list of messages; fields of "
    "lists and nested objects map their positions or names to messages the same way.",
    "additionalProperties": {},
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for people.")


#: Status codes documented on every operation (when they apply, see ``AutoSchema.error_codes``).
ERRORS = {
    "400": "Invalid input (the body or the query string); nothing was changed.",
    "401": "Not signed in, or the token is invalid: send `Authorization: Token <key>`.",
    "403": "Signed in but not allowed to do this.",
    "404": "No such object (or not yours), or no such page of results.",
    "429": "Too many requests: the `Retry-After` header says how many seconds to wait.",
}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        body = operation.get("requestBody", {}).get("content", {})
        if "multipart/form-data" in body and self._uploads_files():
            operation["requestBody"]["content"] = {"multipart/form-data": body["multipart/form-data"]}
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and _is_plain_string(parameter.get("schema", {})):
                parameter["schema"]["pattern"] = NO_NUL
        responses = operation["responses"]
        for code in self.error_codes(operation):
            if code not in responses:
                responses[code] = {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": self._error_schema(code)}},
                }
        return operation

    def error_codes(self, operation: dict[str, Any]) -> list[str]:
        """401, 403 and 429 anywhere (a wrong token, a permission, throttling); 400 where there is input to
        reject; 404 where an object is looked up or results are paged."""
        places = {parameter["in"] for parameter in operation.get("parameters", [])}
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        codes = ["401", "403", "429"]
        if "requestBody" in operation or "query" in places:
            codes.append("400")
        if "path" in places or "page" in names:
            codes.append("404")
        return sorted(codes)

    def _uploads_files(self) -> bool:
        serializer = force_instance(self.get_request_serializer())
        fields = serializer.fields if isinstance(serializer, serializers.Serializer) else {}
        return any(isinstance(field, serializers.FileField) for field in fields.values())

    def _error_schema(self, code: str) -> dict[str, Any]:
        if code == "400":
            return VALIDATION_ERROR
        component = self.resolve_serializer(ErrorSerializer, "response")
        return component.ref

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.PrimaryKeyRelatedField) and schema.get("type") == "integer":
            schema.setdefault("minimum", 1)
            schema.setdefault("maximum", MAX_ID)
        if direction == "request" and isinstance(field, serializers.SlugRelatedField):
            schema.setdefault("minLength", 1)  # an empty slug names nothing
        if direction == "request" and isinstance(field, serializers.CharField) and _is_plain_string(schema):
            schema["pattern"] = _string_pattern(field)
        return schema


def _string_pattern(field: serializers.CharField) -> str:
    """What DRF accepts: no NUL; when trimmed of whitespace first, at least ``min_length`` (or 1 when blank
    is refused) characters from the first to the last that is not whitespace."""
    shortest = field.min_length or (0 if field.allow_blank else 1)
    if not field.trim_whitespace or shortest == 0:
        return NO_NUL
    if shortest == 1:
        return NOT_BLANK
    edge = rf"[^\s\x00{PY_SPACE}]"
    return rf"^[^\x00]*{edge}[^\x00]{{{shortest - 2},}}{edge}[^\x00]*$"


def _is_plain_string(schema: dict[str, Any]) -> bool:
    """A free-text string: not an enum, not a format (date, email…), no pattern of its own."""
    return schema.get("type") == "string" and not {"enum", "format", "pattern"} & schema.keys()
