"""The timelines' cache: the first page of the home page, signed out and for each person, and of each
person's home feed in the API.

- The signed-out home page (``first_page``): one copy, shared by every signed-out visitor, of its posts
  and their rendered cards. Nothing a signed-in person sees goes into it.
- A signed-in person's home page (``first_page``): their own copy, per browser (the cards' forms and the
  compose form carry its CSRF token), of their feed's posts and the page's rendered content (the compose
  form, with the visibility their account starts a post with, and the cards, as *they* see them: liked,
  boosted by them).
- A person's home feed entries (``feed_entries``, read by the API and by the home page when its copy is
  missing): their own copy.

Older pages are read from the database each time (one copy per cursor would let anyone fill the cache).

Every copy is kept with the *version* it was made under (read with it in one round trip, ``page_cache``),
used only while that version is current, for at most ``SOCIAL_PUBLIC_CACHE_SECONDS`` seconds. Any
change that can alter a card or who may see it replaces the version, so the next reader reads the database
again: a save or delete of any row of the posts, graph (follows, blocks, mutes, moderation), profiles or
users apps (``post_save``/``post_delete``, at once and again when the transaction commits, because a reader
in between could have cached what was there before), and the changes made with ``QuerySet.update`` or
``bulk_create`` that matter, which call ``changed()`` themselves (the admin action that deactivates
accounts, the demo data). What changes with time alone (a suspension that runs out) shows within
``SOCIAL_PUBLIC_CACHE_SECONDS``.

The version lives in the cache too, so every server process sees it: with several processes, use a shared
cache (``REDIS_URL``), as the WebSocket layer already requires.
"""

from __future__ import annotations

import hashlib
from functools import partial
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject

from ..core import page_cache

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest

#: The apps whose rows can change a public card or who may see it.
WATCHED_APPS = frozenset({"posts", "graph", "profiles", "users"})
#: The page-cache group (``core/page_cache.py``) whose version every copy is kept under.
GROUP = "social:timelines"


def version() -> str:
    """The current version of the timelines (renewed by every ``changed()``)."""
    return page_cache.version(GROUP)


def changed() -> None:
    """Forget every cached copy now, and again after the commit (a visitor in between cached old posts)."""
    page_cache.invalidate_pages(GROUP)


def _on_change(sender: type, **kwargs: Any) -> None:
    changed()


def connect() -> None:
    """Listen to every model of the watched apps (``PostsConfig.ready``): by model, not to all senders, so the
    other apps' deletes stay fast (Django skips loading rows to delete only for models nobody listens to)."""
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            uid = f"social-public-timeline:{label}.{model.__name__}"
            post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}:delete")


def first_page(
    request: HttpRequest,
    read: Callable[[], Any],
    template_name: str = "posts/_post_list.html",
    context: Callable[[Any], dict[str, Any]] | None = None,
) -> tuple[Any, str]:
    """The first page of the home page: its posts (``read()``) and their rendering (``template_name`` with
    ``context(page)``, or the page alone), from the cache, or read, rendered and kept. The context is built
    only when the copy is missing (the home page's compose form is in its copy too).

    Signed out: one copy for every signed-out visitor. Signed in: the person's own copy, and their
    browser's (the cards' like and boost forms and the compose form carry its CSRF token, so the key holds a
    hash of the browser's CSRF secret, never the secret). Only for the page without a query string: the
    forms send back to it. (Older pages are read each time: one copy per cursor would let anyone fill the
    cache.)
    """
    if request.GET:
        raise ValueError("Only the first page, without a query string, is cached.")
    key = "social:home"
    if request.user.is_authenticated:
        get_token(request)  # the browser's CSRF secret, made now if it had none
        browser = hashlib.sha256(request.META["CSRF_COOKIE"].encode()).hexdigest()[:32]
        key = f"{key}:{request.user.pk}:{browser}"
    versions, html = page_cache._read(key, (GROUP,))  # the version and the copy: one round trip
    if html is not None:
        return SimpleLazyObject(partial(_kept_page, f"{key}:page", read)), html
    page = read()
    html = render_to_string(template_name, context(page) if context else {"page": page}, request=request)
    page_cache._write(key, versions, html, settings.SOCIAL_PUBLIC_CACHE_SECONDS)
    page_cache._write(f"{key}:page", versions, page, settings.SOCIAL_PUBLIC_CACHE_SECONDS)
    return page, html


def _kept_page(key: str, read: Callable[[], Any]) -> Any:
    """The posts of a kept copy, read from the cache only if something asks for them (a test; the page
    itself shows the copy's HTML, so a visit reads and unpickles no post); read anew if gone or outdated."""
    _, page = page_cache._read(key, (GROUP,))
    return page if page is not None else read()


def feed_entries(viewer: AbstractBaseUser, after: tuple | None, size: int) -> list:
    """``managers.feed_entries``: the first page (no cursor ``after``) from ``viewer``'s own copy."""
    from .managers import feed_entries as read

    if after is not None:
        return read(viewer, after, size)
    key = f"social:feed:{viewer.pk}:{size}"
    versions, rows = page_cache._read(key, (GROUP,))  # the version and the copy: one round trip
    if rows is None:
        rows = read(viewer, None, size)
        page_cache._write(key, versions, rows, settings.SOCIAL_PUBLIC_CACHE_SECONDS)
    return rows
