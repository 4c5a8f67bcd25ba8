"""The blog sidebar (categories and tags in use), cached; signals.py invalidates it on change.

Its counts are kept on the categories' and tags' rows (counts.py), so building it reads the categories,
the 20 busiest tags and the scheduled posts, however many posts there are.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.cache import cache

from ..core.page_cache import forget
from .models import Category, Post, Tag

CACHE_KEY = "blog:sidebar"
# Scheduled posts appear without any save, so the cache also expires on its own.
CACHE_TIMEOUT = 10 * 60
#: How many tags the sidebar lists (the most used first).
TAGS_SHOWN = 20


def _build() -> dict[str, Any]:
    # Scheduled posts are in the kept counts but not out yet: found through the (status, published_at)
    # index, one row per scheduled post and tag.
    scheduled = Post.objects.scheduled()
    rows = list(scheduled.order_by().values_list("pk", "category", "tags"))
    category_of = {pk: category for pk, category, _ in rows}  # a row per tag: one entry per post
    not_out_by_category = Counter(category_of.values())
    not_out_by_tag = Counter(tag for _, _, tag in rows if tag is not None)
    categories = []
    for category in Category.objects.filter(published_posts__gt=0).order_by("name"):
        category.num_posts = category.published_posts - not_out_by_category[category.pk]
        if category.num_posts > 0:
            categories.append(category)
    # The busiest tags by kept count, enough of them that leaving the scheduled posts out cannot bring
    # in a tag from further down.
    busiest = Tag.objects.filter(published_posts__gt=0).order_by("-published_posts", "name")
    tags = []
    for tag in busiest[: TAGS_SHOWN + len(not_out_by_tag)]:
        tag.num_posts = tag.published_posts - not_out_by_tag[tag.pk]
        if tag.num_posts > 0:
            tags.append(tag)
    tags.sort(key=lambda tag: (-tag.num_posts, tag.name))
    return {"categories": categories, "tags": tags[:TAGS_SHOWN]}


def get_sidebar() -> dict[str, Any]:
    return cache.get_or_set(CACHE_KEY, _build, CACHE_TIMEOUT)


def invalidate_sidebar() -> None:
    forget(CACHE_KEY)
