"""Text PostgreSQL cannot store, wherever a request carries it.

PostgreSQL refuses a NUL character in any text (``DataError``), and no database driver can encode a lone
UTF-16 surrogate (``\\ud800``, which JSON can spell) as UTF-8. SQLite takes the first, so a project tested on
SQLite meets these only in production, as a server error on any query that compares or stores the text: a
search box, a filter, a slug, a session cookie. ``middleware.UnstorableTextMiddleware`` refuses such a
request before any view runs, with the reason this module finds:

- the path, the query string (names and values) and the cookies;
- form bodies, URL-encoded and multipart: field names and values (not the contents of uploaded files,
  which go to storage as bytes);
- JSON bodies: every string at any depth, object keys included.

Django decodes the path, query strings and forms with replacement characters, so only JSON can carry a lone
surrogate; a NUL can come through any of them.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParser

#: What no text column can hold: NUL, and UTF-16 surrogates on their own.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Long field names are cut to this many characters in a reason.
NAME_LENGTH = 40


@dataclass(frozen=True)
class Unstorable:
    """Where a request holds text that cannot be stored, and what is wrong with it."""

    where: str  # for people: "The query parameter “q”"
    character: str  # the offending character
    field: str | None = None  # the input's name, for an API's field-keyed errors; None: not one field

    @property
    def message(self) -> str:
        """The short rule, in the words Django's and DRF's own validators use for NUL."""
        if self.character == "\x00":
            return "Null characters are not allowed."
        return "Unpaired surrogate characters are not allowed."

    @property
    def reason(self) -> str:
        """A sentence for the error page."""
        if self.character == "\x00":
            what = "a null character (U+0000)"
        else:
            what = f"an unpaired surrogate character (U+{ord(self.character):04X})"
        return f"{self.where} holds {what}, which this site cannot store."


def unstorable_character(text: str) -> str | None:
    """The first character of ``text`` no database text column can hold, or None."""
    match = UNSTORABLE.search(text)
    return match.group() if match else None


def _quoted(name: str) -> str:
    return f"“{name[:NAME_LENGTH]}{'…' if len(name) > NAME_LENGTH else ''}”"


def _in_pairs(pairs: Iterable[tuple[str, Any]], kind: str) -> Unstorable | None:
    """The first bad name or value among (name, value or values) pairs: query strings, forms, cookies."""
    for name, values in pairs:
        if character := unstorable_character(name):
            return Unstorable(f"A {kind} name", character)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and (character := unstorable_character(value)):
                return Unstorable(f"The {kind} {_quoted(name)}", character, field=name)
    return None


def in_request_line(request: HttpRequest) -> Unstorable | None:
    """Text in what every request has: its path, query string and cookies."""
    if character := unstorable_character(request.path_info):
        return Unstorable("The address", character)
    return _in_pairs(request.GET.lists(), "query parameter") or _in_pairs(request.COOKIES.items(), "cookie")


def has_checked_body(request: HttpRequest) -> bool:
    """Whether the request has a body this module reads (a form or JSON)."""
    if request.headers.get("content-length") in (None, "", "0"):
        return False
    return request.content_type in FORM_TYPES or is_json(request.content_type)


def is_json(content_type: str | None) -> bool:
    return content_type == "application/json" or bool(content_type and content_type.endswith("+json"))


def in_body(request: HttpRequest) -> Unstorable | None:
    """Text in a form or JSON body. May raise what parsing the body raises (a malformed multipart body, one
    too large for ``DATA_UPLOAD_MAX_MEMORY_SIZE``, JSON nested too deeply…).

    A POST form is read through ``request.POST`` (as CSRF protection would), so Django and DRF use that
    parse; other methods' bodies are read into memory once (``request.body``), where Django and DRF read
    them again.
    """
    if is_json(request.content_type):
        return _in_json(request.body)
    if request.method == "POST":
        data, files = request.POST, request.FILES
    elif request.content_type == "multipart/form-data":
        body = BytesIO(request.body)
        data, files = MultiPartParser(request.META, body, request.upload_handlers, request.encoding).parse()
    else:
        data, files = QueryDict(request.body, encoding=request.encoding), {}
    return _in_pairs(data.lists(), "form field") or _in_file_fields(files)


def _in_file_fields(files: Any) -> Unstorable | None:
    """The names of file fields; Django's parser already drops unprintable characters from file names."""
    for name in files:
        if character := unstorable_character(name):
            return Unstorable("A form field name", character)
    return None


def _in_json(body: bytes) -> Unstorable | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None  # not JSON: the view's parser refuses it with its own reason
    except RecursionError:
        # Python's parser (DRF's too) gives up on arrays or objects nested a thousand deep.
        raise BadRequest("The JSON body is nested too deeply.") from None
    for field, text in _json_strings(document):
        if character := unstorable_character(text):
            if field is None:
                return Unstorable("The JSON body", character)
            if unstorable_character(field):
                return Unstorable("A JSON field name", character)
            return Unstorable(f"The JSON field {_quoted(field)}", character, field=field)
    return None


def _json_strings(document: Any) -> Iterator[tuple[str | None, str]]:
    """Every string in a JSON document (keys too), each with the top-level field it sits under."""
    stack: list[tuple[str | None, Any]] = [(None, document)]
    while stack:
        field, value = stack.pop()
        if isinstance(value, str):
            yield field, value
        elif isinstance(value, list):
            stack.extend((field, item) for item in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                owner = key if field is None else field
                yield owner, key
                stack.append((owner, item))
