"""The timelines' cache: the first page of the signed-out home page, and of each person's home feed.

- The signed-out home page (``public_page``): one copy, shared by every signed-out visitor, of its posts
  and their rendered cards. Nothing a signed-in person sees goes into it.
- A person's home feed (``feed_entries``, the HTML page and the API's first page): one copy per person,
  under their own id, of the feed's entries (their cards as *they* see them: liked, boosted by them); it is
  read for that person only, and the page around it (forms, their CSRF token) is rendered for each request.

Older pages are read from the database each time (one copy per cursor would let anyone fill the cache).

Every copy lives under the current *version*, for at most ``SOCIAL_PUBLIC_CACHE_SECONDS`` seconds. Any
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

import uuid
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest

#: The apps whose rows can change a public card or who may see it.
WATCHED_APPS = frozenset({"posts", "graph", "profiles", "users"})
VERSION_KEY = "social:public-timeline:version"


def _new_version() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    return version


def version() -> str:
    """The current version (a random token: a version lost from the cache is never reused)."""
    return cache.get(VERSION_KEY) or _new_version()


def changed() -> None:
    """Forget every cached copy now, and again after the commit (a visitor in between cached old posts)."""
    _new_version()
    transaction.on_commit(_new_version, robust=True)


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


def public_page(request: HttpRequest, read: Callable[[], Any]) -> tuple[Any, str]:
    """The first page of the signed-out home page: its posts and their rendered list
    (``posts/_post_list.html``), from the cache, or ``read()`` and rendered, then kept. (Older pages are
    read each time: one copy per page would let anyone fill the cache with cursors.)"""
    if request.user.is_authenticated:  # never: a signed-in person's cards say what they liked, boosted…
        raise ValueError("Only a signed-out visitor's timeline is cached.")
    key = f"social:public-timeline:{version()}"
    cached = cache.get(key)
    if cached is None:
        page = read()
        html = render_to_string("posts/_post_list.html", {"page": page}, request=request)
        cached = (page, html)
        cache.set(key, cached, settings.SOCIAL_PUBLIC_CACHE_SECONDS)
    return cached


def feed_entries(viewer: AbstractBaseUser, after: tuple | None, size: int) -> list:
    """``managers.feed_entries``: the first page (no cursor ``after``) from ``viewer``'s own copy."""
    from .managers import feed_entries as read

    if after is not None:
        return read(viewer, after, size)
    key = f"social:feed:{version()}:{viewer.pk}:{size}"
    rows = cache.get(key)
    if rows is None:
        rows = read(viewer, None, size)
        cache.set(key, rows, settings.SOCIAL_PUBLIC_CACHE_SECONDS)
    return rows
