"""Profile counts (followers, following, posts), cached: profile pages and cards read them often.

Counted with one query on a miss and kept for ``TIMEOUT`` seconds; the services that change a count call
``invalidate_counts`` so the next read is fresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from ..core.page_cache import forget

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

TIMEOUT = 60 * 60


def _key(user_id: int) -> str:
    return f"profile-counts:{user_id}"


def _count(model: type, field: str) -> Subquery:
    rows = model.objects.filter(**{field: OuterRef("pk")}).values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(rows), Value(0))


def profile_counts(user: AbstractBaseUser) -> dict[str, int]:
    """``{"followers": …, "following": …, "posts": …}`` for ``user``."""
    counts = cache.get(_key(user.pk))
    if counts is None:
        from ..graph.models import Follow
        from ..posts.models import Post

        counts = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(
                n_followers=_count(Follow, "followee"),
                n_following=_count(Follow, "follower"),
                n_posts=_count(Post, "author"),
            )
            .values_list("n_followers", "n_following", "n_posts")
            .get()
        )
        counts = dict(zip(("followers", "following", "posts"), counts, strict=True))
        cache.set(_key(user.pk), counts, TIMEOUT)
    return counts


def invalidate_counts(*users: AbstractBaseUser) -> None:
    """Forget the cached counts now, and again after the commit (a read in between cached old ones)."""
    forget(*(_key(user.pk) for user in users))
