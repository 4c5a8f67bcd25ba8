"""The blog sidebar (categories and tags in use), cached; signals.py invalidates it on change."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from .models import Category, Post, Tag

CACHE_KEY = "blog:sidebar"
# Scheduled posts appear without any save, so the cache also expires on its own.
CACHE_TIMEOUT = 10 * 60


def _published_filter(prefix: str) -> Q:
    return Q(**{f"{prefix}__status": Post.Status.PUBLISHED, f"{prefix}__published_at__lte": timezone.now()})


def _build() -> dict[str, Any]:
    categories = (
        Category.objects.annotate(num_posts=Count("posts", filter=_published_filter("posts")))
        .filter(num_posts__gt=0)
        .order_by("name")
    )
    tags = (
        Tag.objects.annotate(num_posts=Count("posts", filter=_published_filter("posts")))
        .filter(num_posts__gt=0)
        .order_by("-num_posts", "name")[:20]
    )
    return {"categories": list(categories), "tags": list(tags)}


def get_sidebar() -> dict[str, Any]:
    return cache.get_or_set(CACHE_KEY, _build, CACHE_TIMEOUT)


def invalidate_sidebar() -> None:
    cache.delete(CACHE_KEY)
