"""How many published posts each category and tag has, kept on its row (``published_posts``), and how
many the whole blog has (``PostTotal``).

The sidebar shows the archives' counts on every page, and the home page and the API list page through the
total: reading them costs the number of categories and tags, not the number of posts. Scheduled posts
(published, with a date still to come) are counted here; the readers leave them out until they are due,
finding them through the (status, published_at) index.

Every write that can change a count recounts the categories and tags it touches (signals.py), in the
writer's transaction and after locking their rows: two writers of one tag take turns, so neither count
misses the other's post, and a form sent twice still counts its post once. A recount reads that
category's or tag's own posts (an index range), never the whole table; the total, recounted only when a
post is published, unpublished or deleted, counts the published posts through the same index.

``QuerySet.update()``, ``bulk_create()`` and raw SQL send no signals: call ``recount_posts()`` with the
posts they changed (the admin's publish actions do), or ``recount_all()`` after an import.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .models import Category, Post, PostTotal, Tag


def recount(*, categories: Iterable[int | None] = (), tags: Iterable[int] = (), total: bool = False) -> None:
    """Set ``published_posts`` of these categories and tags (primary keys) from their posts, and with
    ``total`` the blog's total. The rows are locked in one order (the total, categories, tags)."""
    category_ids = sorted({pk for pk in categories if pk is not None})
    tag_ids = sorted(set(tags))
    if not category_ids and not tag_ids and not total:
        return
    with transaction.atomic():
        if total:
            PostTotal.objects.get_or_create(pk=PostTotal.ROW)  # gone after a flush (tests), or never made
            _recount(PostTotal, [PostTotal.ROW], _published().values("status"))
        if category_ids:
            posts = Post.objects.filter(category=OuterRef("pk"), status=Post.Status.PUBLISHED)
            _recount(Category, category_ids, posts.values("category"))
        if tag_ids:
            tagged = Post.tags.through.objects.filter(tag=OuterRef("pk"), post__status=Post.Status.PUBLISHED)
            _recount(Tag, tag_ids, tagged.values("tag"))


def recount_posts(post_ids: Iterable[int]) -> None:
    """Recount the total and the categories and tags of these posts (after a change that sent no
    signal)."""
    post_ids = list(post_ids)
    recount(
        categories=Post.objects.filter(pk__in=post_ids).values_list("category", flat=True).distinct(),
        tags=Post.tags.through.objects.filter(post__in=post_ids).values_list("tag", flat=True).distinct(),
        total=True,
    )


def recount_all() -> None:
    """Recount the total and every category and tag: after an import that bypassed the signals (reads
    every post)."""
    recount(
        categories=Category.objects.values_list("pk", flat=True),
        tags=Tag.objects.values_list("pk", flat=True),
        total=True,
    )


def published_total() -> int | None:
    """How many posts readers see now: the kept total less the scheduled posts not out yet, in one
    statement (an index range of the scheduled posts). None when there is no total row yet (the caller
    counts the posts)."""
    scheduled = Post.objects.scheduled().order_by().values("status")
    out = F("published_posts") - Coalesce(Subquery(scheduled.annotate(n=Count("pk")).values("n")), 0)
    total = PostTotal.objects.filter(pk=PostTotal.ROW).values_list(out, flat=True).first()
    return None if total is None else max(total, 0)  # a total left stale by writes that sent no signal


def _published() -> models.QuerySet:
    """Every published post, scheduled ones included, grouped into one row by ``values("status")``."""
    return Post.objects.filter(status=Post.Status.PUBLISHED).order_by()


def _recount(model: type[models.Model], pks: list[int], grouped: models.QuerySet) -> None:
    """Lock the rows (in key order, so that writers of several rows do not deadlock), then count: the
    count is a new statement, so on PostgreSQL it sees every post committed while the lock was awaited."""
    list(model._default_manager.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))
    count = Coalesce(Subquery(grouped.order_by().annotate(count=Count("pk")).values("count")), 0)
    model._default_manager.filter(pk__in=pks).update(published_posts=count)
