"""Whether a request's view reads its body at all: a middleware must not read a body its view refuses.

An API view (Django REST framework) answers 415 to a media type none of its parsers take, and says which
it was given. A middleware that reads a multipart body first (``request.POST``) consumes the stream; DRF
then finds nothing to parse and a JSON-only endpoint answered "This field is required." for every field
instead. The middlewares that read bodies (``core.middleware.UnstorableTextMiddleware``, the idempotency
middleware) leave such a body to the view, which never reads it.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.urls import Resolver404, resolve


def refused_by_view(request: HttpRequest, view: Callable | None = None) -> bool:
    """True when ``request`` goes to an API view (``view``, or the one its path resolves to) whose parsers
    do not take its content type: that view answers 415 without reading the body."""
    if view is None:
        try:
            view = resolve(request.path_info, getattr(request, "urlconf", None)).func
        except Resolver404:
            return False
    view_class = getattr(view, "cls", None)  # set by DRF's ``as_view()``
    initkwargs = getattr(view, "initkwargs", {})  # an ``@action(parser_classes=…)`` passes its own
    parsers = initkwargs.get("parser_classes", getattr(view_class, "parser_classes", None))
    if parsers is None:
        return False
    return not any(_matches(parser.media_type, request.content_type or "") for parser in parsers)


def _matches(accepted: str, media_type: str) -> bool:
    """``media_type`` (``type/subtype``, without parameters) is one a parser for ``accepted`` takes."""
    kind, _, subtype = accepted.partition(";")[0].strip().partition("/")
    given_kind, _, given_subtype = media_type.partition("/")
    return kind in ("*", given_kind) and subtype in ("*", given_subtype)
