"""Reads of the follow graph, as subqueries (``values`` querysets) that other queries embed.

Embedding them keeps the feed and the privacy rule at one SQL query however many people are followed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from ..profiles.models import present
from .models import Block, Follow, FollowRequest, Mute

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def followee_ids(user: AbstractBaseUser) -> QuerySet:
    return Follow.objects.filter(follower=user.pk).values("followee_id")


def blocking_ids(user: AbstractBaseUser) -> QuerySet:
    """People ``user`` blocked."""
    return Block.objects.filter(blocker=user.pk).values("blocked_id")


def blocked_by_ids(user: AbstractBaseUser) -> QuerySet:
    """People who blocked ``user``."""
    return Block.objects.filter(blocked=user.pk).values("blocker_id")


def unblocked(viewer: AbstractBaseUser | AnonymousUser, person: str) -> Q:
    """Rows whose person at the lookup ``person`` (``"author_id"``, ``"user_id"``, ``"pk"``) has no block
    with ``viewer`` either way: what such a person does neither shows nor counts for the viewer. Two
    ``NOT IN`` subqueries, so it stays inside the query that embeds it; no condition for an anonymous visitor.
    """
    if not viewer.is_authenticated:
        return Q()
    return ~Q(**{f"{person}__in": blocking_ids(viewer)}) & ~Q(**{f"{person}__in": blocked_by_ids(viewer)})


def muted_ids(user: AbstractBaseUser) -> QuerySet:
    return Mute.objects.filter(muter=user.pk).values("muted_id")


def people_visible_to(viewer: AbstractBaseUser) -> QuerySet:
    """People ``viewer`` may see (active, not leaving: ``profiles.models.present``): whoever blocked the
    viewer is gone for them on every profile page."""
    if not viewer.is_authenticated:
        return get_user_model().objects.filter(present())
    # One's own account stays one's own, also while it waits for its deletion.
    people = get_user_model().objects.filter(present() | Q(pk=viewer.pk))
    return people.exclude(pk__in=blocked_by_ids(viewer))


def find_people(viewer: AbstractBaseUser | AnonymousUser, query: str) -> QuerySet:
    """People whose username or display name contains ``query`` (case-insensitive): the people search.

    Active accounts only, and nobody either side of a block with the viewer: whoever blocked the viewer is
    gone for them, and whom the viewer blocked is on their block list, not among the results. Nothing for
    a blank query. One query, whatever the number of people or blocks.
    """
    query = query.strip()
    if not query:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(
        Q(username__icontains=query) | Q(name__icontains=query), unblocked(viewer, "pk"), present()
    )


def is_blocked_either_way(a: AbstractBaseUser, b: AbstractBaseUser) -> bool:
    return Block.objects.filter(Q(blocker=a.pk, blocked=b.pk) | Q(blocker=b.pk, blocked=a.pk)).exists()


def relationship(viewer: AbstractBaseUser, other: AbstractBaseUser) -> dict[str, bool]:
    """How ``viewer`` stands towards ``other``, for buttons on a profile page (one query)."""
    if not viewer.is_authenticated or viewer.pk == other.pk:
        return dict.fromkeys(("following", "requested", "followed_by", "blocking", "muting"), False)
    names = ("following", "requested", "followed_by", "blocking", "muting")
    flags = (
        get_user_model()
        .objects.filter(pk=other.pk)
        .annotate(
            is_following=Exists(Follow.objects.filter(follower=viewer.pk, followee=OuterRef("pk"))),
            is_requested=Exists(FollowRequest.objects.filter(requester=viewer.pk, target=OuterRef("pk"))),
            is_followed_by=Exists(Follow.objects.filter(follower=OuterRef("pk"), followee=viewer.pk)),
            is_blocking=Exists(Block.objects.filter(blocker=viewer.pk, blocked=OuterRef("pk"))),
            is_muting=Exists(Mute.objects.filter(muter=viewer.pk, muted=OuterRef("pk"))),
        )
        .values_list(*(f"is_{name}" for name in names))
        .get()
    )
    return dict(zip(names, flags, strict=True))
