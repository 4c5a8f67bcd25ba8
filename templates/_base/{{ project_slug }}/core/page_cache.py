"""Whole pages cached for visitors who are not signed in (per-view caching), invalidated by versions.

``@anonymous_page_cache("blog")`` on a view serves a request that carries no session cookie and no
messages cookie (so no signed-in user, no cart, no message waiting) the page stored for the same address
(scheme, host, path and query) under the current version of each named group; any other request runs the
view as usual. A page is stored only when it is a full 200 page (not an htmx fragment) that set no cookie,
used no CSRF token, wrote nothing to the session and queued no message: no visitor's token, cart or message
ever reaches another. Every answer says ``Vary: Cookie``, so a shared cache in front keeps the same rule.

``invalidate_pages("blog")`` (the kind's signals call it when the data a page shows changes) starts a new
version of the group: no page stored under an older one is served again, and those expire on their own.

``forget(*keys)`` does the same for single cache entries (a sidebar, counts): deleted now and again once
the transaction commits.

``@signed_in_page_cache("blog", ...)`` keeps whole pages of signed-in users, each for one session only:
keyed by the session, its CSRF secret (so every CSRF token in the kept page is still valid for it), the
user's row (a new name or password is a new key) and the versions of the groups, which may name the user's
own data (``lambda request: f"tasks:{request.user.pk}"``). Served only when no message waits (cookie or
session) and never stored when the view set a cookie, wrote the session, rotated the CSRF token or queued
a message. The user is still looked up on every request (a password changed elsewhere signs the session
out as before); only the view's queries and the rendering are spared.

``@cached_list("blog:lists", scope=...)`` on an API viewset's ``list`` keeps the answer's data (before it is
rendered) under the same versions, per address, accepted format and ``scope(view)`` (the user, the
organisation: whatever else the answer depends on). Authentication, permissions and throttles run first,
as for any request; only the queries and serialization of the list are spared.

The cache must be shared by every web process (Redis, ``REDIS_URL``): with a per-process cache a change
made through one process would leave the others serving the old page. So ``PAGE_CACHE_SECONDS`` (how
long a page or list is kept at most) is 0, off, unless ``REDIS_URL`` is set (settings/base.py).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

VERSION_KEY = "page-cache:version:{}"
#: A view's own limit on how long its page may be kept (seconds, None: the setting's), given the request.
Timeout = Callable[[HttpRequest], int | None]


def _renew(groups: tuple[str, ...]) -> None:
    now = time.time_ns()
    cache.set_many({VERSION_KEY.format(group): now for group in groups}, None)


def invalidate_pages(*groups: str) -> None:
    """The pages of ``groups`` are stale: new versions, never used before (even after an eviction).

    Renewed at once, and again once the transaction commits: a page another request renders from the old
    rows before the change is committed is stored under a version that is then already outdated.
    """
    _renew(groups)
    transaction.on_commit(partial(_renew, groups))


def forget(*keys: str) -> None:
    """Delete these cache entries (a sidebar, counts: values computed from the database) now, and again once
    the transaction commits: a value another request computes from the old rows before the change is
    committed does not outlive it. A cache that cannot be reached after the commit is logged, not raised:
    the change is saved."""
    cache.delete_many(keys)
    transaction.on_commit(partial(cache.delete_many, keys), robust=True)


def _versions(groups: tuple[str, ...]) -> list[int]:
    keys = [VERSION_KEY.format(group) for group in groups]
    found = cache.get_many(keys)
    missing = {key: time.time_ns() for key in keys if key not in found}
    if missing:
        cache.set_many(missing, None)
    return [found.get(key) or missing[key] for key in keys]


def version(*groups: str) -> str:
    """The current versions of ``groups``, as one part of a cache key: ``invalidate_pages`` of any of them
    changes it. Fragments and other copies kept under it (blog cards, social timelines) go stale with the
    pages."""
    return ".".join(str(number) for number in _versions(groups))


Group = str | Callable[[HttpRequest], str]


def _names(groups: tuple[Group, ...], request: HttpRequest) -> tuple[str, ...]:
    return tuple(group(request) if callable(group) else group for group in groups)


def _entry_key(request: HttpRequest, groups: tuple[str, ...], kind: str = "page", scope: str = "") -> str:
    address = f"{scope}\n{request.build_absolute_uri()}"
    return f"page-cache:{kind}:{','.join(groups)}:{hashlib.sha256(address.encode()).hexdigest()}"


def _read(key: str, groups: tuple[str, ...]) -> tuple[list[int], Any]:
    """The current versions of ``groups`` and what ``key`` keeps for exactly those (None: nothing), in one
    round trip to the cache: an entry keeps the versions it was made under and is used only while they are
    the current ones."""
    keys = [VERSION_KEY.format(group) for group in groups]
    found = cache.get_many([*keys, key])
    missing = {name: time.time_ns() for name in keys if name not in found}
    if missing:
        cache.set_many(missing, None)
    versions = [found.get(name) or missing[name] for name in keys]
    stored = found.get(key)
    if stored is None or missing or stored[0] != versions:
        return versions, None
    return versions, stored[1]


def _write(key: str, versions: list[int], value: Any, seconds: int) -> None:
    cache.set(key, (versions, value), seconds)


def _stored_response(stored: tuple[bytes, int, list[tuple[str, str]]]) -> HttpResponse:
    content, status, headers = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _rendered(response: HttpResponse) -> HttpResponse:
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    return response


def _keep(request: HttpRequest, timeout: Timeout | None) -> int:
    """How long an answer may be kept: ``PAGE_CACHE_SECONDS``, or less when the view's ``timeout`` says so."""
    own = timeout(request) if timeout is not None else None
    seconds = settings.PAGE_CACHE_SECONDS
    return seconds if own is None else min(seconds, own)


def _may_be_served(request: HttpRequest) -> bool:
    """A request whose answer depends on no one: no session, no message waiting, a full page."""
    cookies = request.COOKIES
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
        and "HX-Request" not in request.headers
    )


def _may_be_stored(request: HttpRequest, response: HttpResponse) -> bool:
    """Nothing of this visitor in the answer: no cookie, no CSRF token, no session write, no message."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not len(get_messages(request))
        and "private" not in cache_control
        and "no-store" not in cache_control
        and (user is None or not user.is_authenticated)
    )


def anonymous_page_cache(*groups: str, timeout: Timeout | None = None) -> Callable[..., Any]:
    """Decorate a view whose page, for a visitor who is not signed in, depends only on its address and on the
    data of ``groups`` (each invalidated with ``invalidate_pages``); ``timeout(request)`` may shorten how long
    a page is kept (a scheduled change that no save announces), 0 keeping none."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            seconds = settings.PAGE_CACHE_SECONDS
            if not seconds or not _may_be_served(request):
                return view(request, *args, **kwargs)
            key = _entry_key(request, groups)
            versions, stored = _read(key, groups)
            if stored is not None:
                response = _stored_response(stored)
            else:
                response = _rendered(view(request, *args, **kwargs))
                if _may_be_stored(request, response) and (keep := _keep(request, timeout)) > 0:
                    _write(key, versions, _storable(response), keep)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorator


def _storable(response: HttpResponse) -> tuple[bytes, int, list[tuple[str, str]]]:
    return response.content, response.status_code, list(response.items())


def _visitor(request: HttpRequest) -> str | None:
    """What a signed-in page is kept for: the session, its CSRF secret and the user's row (None: keep none).

    The CSRF secret makes every token in a kept page valid for the requests that get it; the row (name,
    email, password hash, flags...) makes any change to the user a new key, as a new session is."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    secret = request.META.get("CSRF_COOKIE")
    if session is None or not session.session_key or not secret or user is None or not user.is_authenticated:
        return None
    row = [str(getattr(user, field.attname)) for field in user._meta.concrete_fields]
    return "\n".join([session.session_key, secret, *row])


def _may_be_served_signed_in(request: HttpRequest) -> bool:
    """A full page for a signed-in user with no message waiting, whose page may be kept (``_visitor``)."""
    session = getattr(request, "session", None)
    return (
        request.method in {"GET", "HEAD"}
        and "HX-Request" not in request.headers
        and not request.COOKIES.get(CookieStorage.cookie_name)  # a cleared one is kept empty by some clients
        and session is not None
        and SessionStorage.session_key not in session
    )


def _may_be_stored_signed_in(request: HttpRequest, response: HttpResponse, visitor: str) -> bool:
    """A full 200 page that changed nothing of the visitor: no cookie, no session write, the same CSRF
    secret (not rotated) and user, no message queued."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.session.modified
        and not len(get_messages(request))
        and "no-store" not in cache_control
        and _visitor(request) == visitor
    )


def signed_in_page_cache(
    *groups: Group, scope: Callable[[HttpRequest], object] | None = None, timeout: Timeout | None = None
) -> Callable[..., Any]:
    """Decorate a view whose page for a signed-in user depends only on its address, the user, the session's
    CSRF secret, the data of ``groups`` (names, or functions of the request giving one: the user's own
    data) and ``scope(request)`` (anything else, the day, say: taken before the page is made, so a page is
    never kept under a later one); ``timeout(request)`` may shorten how long a page is kept, as for
    ``anonymous_page_cache``.

    Put it inside ``login_required`` (or use it on a view that refuses visitors itself): a visitor who is not
    signed in always gets the view."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not settings.PAGE_CACHE_SECONDS or not _may_be_served_signed_in(request):
                return view(request, *args, **kwargs)
            visitor = _visitor(request)
            if visitor is None:
                return view(request, *args, **kwargs)
            names = _names(groups, request)
            own = "" if scope is None else str(scope(request))
            key = _entry_key(request, names, kind="signed-in", scope=f"{own}\n{visitor}")
            versions, stored = _read(key, names)
            if stored is not None:
                response = _stored_response(stored)
                get_token(request)  # its tokens are used: the CSRF cookie is renewed, as the view would have
            else:
                response = _rendered(view(request, *args, **kwargs))
                keep = _keep(request, timeout)
                if keep > 0 and _may_be_stored_signed_in(request, response, visitor):
                    _write(key, versions, _storable(response), keep)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorator


def cached_list(
    *groups: str, scope: Callable[[Any], object] | None = None, timeout: Timeout | None = None
) -> Callable[..., Any]:
    """Decorate an API viewset's ``list``: its data is kept per address, accepted format and
    ``scope(view)`` under the versions of ``groups`` (each renewed with ``invalidate_pages``);
    ``timeout(request)`` may shorten how long, as for ``anonymous_page_cache``."""

    def decorator(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def wrapper(view: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            from rest_framework.response import Response  # DRF is there only with the API (use_drf)

            seconds = settings.PAGE_CACHE_SECONDS
            if not seconds or request.method not in {"GET", "HEAD"}:
                return method(view, request, *args, **kwargs)
            own = "" if scope is None else str(scope(view))
            key = _entry_key(request, groups, kind="list", scope=f"{request.accepted_media_type}\n{own}")
            versions, data = _read(key, groups)
            if data is not None:
                return Response(data)
            response = method(view, request, *args, **kwargs)
            if response.status_code == 200 and (keep := _keep(request, timeout)) > 0:
                _write(key, versions, response.data, keep)
            return response

        return wrapper

    return decorator
