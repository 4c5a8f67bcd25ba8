"""Whole pages cached for visitors who are not signed in (per-view caching), invalidated by versions.

``@anonymous_page_cache("blog")`` on a view serves a request that carries no session cookie and no
messages cookie (so no signed-in user, no cart, no message waiting) the page stored for the same address
(scheme, host, path and query) under the current version of each named group; any other request runs the
view as usual. A page is stored only when it is a full 200 page (not an htmx fragment) that set no cookie,
used no CSRF token, wrote nothing to the session and queued no message: no visitor's token, cart or message
ever reaches another. Every answer says ``Vary: Cookie``, so a shared cache in front keeps the same rule.

``invalidate_pages("blog")`` (the kind's signals call it when the data a page shows changes) starts a new
version of the group: no page stored under an older one is served again, and those expire on their own.

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
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
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


def _page_key(request: HttpRequest, groups: tuple[str, ...], kind: str = "page", scope: str = "") -> str:
    address = f"{scope}\n{request.build_absolute_uri()}"
    return f"page-cache:{kind}:{version(*groups)}:{hashlib.sha256(address.encode()).hexdigest()}"


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
            key = _page_key(request, groups)
            stored = cache.get(key)
            if stored is not None:
                content, status, headers = stored
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
            else:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                if _may_be_stored(request, response) and (keep := _keep(request, timeout)) > 0:
                    cache.set(key, (response.content, response.status_code, list(response.items())), keep)
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
            key = _page_key(request, groups, kind="list", scope=f"{request.accepted_media_type}\n{own}")
            data = cache.get(key)
            if data is not None:
                return Response(data)
            response = method(view, request, *args, **kwargs)
            if response.status_code == 200 and (keep := _keep(request, timeout)) > 0:
                cache.set(key, response.data, keep)
            return response

        return wrapper

    return decorator
