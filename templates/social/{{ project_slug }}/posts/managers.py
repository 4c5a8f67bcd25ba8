"""The one privacy rule: ``Post.objects.visible_to(viewer)`` decides which posts anyone may see.

Every page, the feed, replies, search, the API and notifications start from it, so the rule is tested
once, exhaustively (``tests/test_privacy.py``), and cannot be forgotten by the next view.

A post is visible to its author always; to anyone else only if neither has blocked the other, and then
- a public post of a public account: to everyone, signed in or not;
- any post of someone the viewer follows (a private account's followers were approved);
- a post that mentions the viewer;
and a reply only if the post it answers is visible by the same rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from ..graph.selectors import blocked_by_ids, blocking_ids, followee_ids, muted_ids

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    Viewer = AbstractBaseUser | AnonymousUser


def _audience(viewer: Viewer, prefix: str = "") -> Q:
    """Whether ``viewer`` may see the post at ``prefix`` ("" for the post, "reply_to__" for its parent)."""
    from .models import Mention, Post

    public_and_open = Q(
        **{
            f"{prefix}visibility": Post.Visibility.PUBLIC,
            f"{prefix}author__profile__is_private": False,
            f"{prefix}author__is_active": True,
        }
    )
    if not viewer.is_authenticated:
        return public_and_open
    author = f"{prefix}author_id"
    post = OuterRef(prefix.removesuffix("__") if prefix else "pk")
    mentioned = Exists(Mention.objects.filter(post=post, user=viewer.pk))
    not_blocked = ~Q(**{f"{author}__in": blocking_ids(viewer)}) & ~Q(
        **{f"{author}__in": blocked_by_ids(viewer)}
    )
    followed = Q(**{f"{author}__in": followee_ids(viewer), f"{prefix}author__is_active": True})
    return Q(**{author: viewer.pk}) | (not_blocked & (public_and_open | followed | mentioned))


class PostQuerySet(models.QuerySet):
    def visible_to(self, viewer: Viewer) -> PostQuerySet:
        """Posts ``viewer`` may see (see the module's docstring); replies to invisible posts are left out."""
        return self.filter(_audience(viewer)).filter(
            Q(reply_to__isnull=True) | _audience(viewer, "reply_to__")
        )

    def feed_for(self, viewer: AbstractBaseUser) -> PostQuerySet:
        """The home feed: the viewer's own posts and those of people they follow, minus muted people."""
        return (
            self.visible_to(viewer)
            .filter(Q(author_id=viewer.pk) | Q(author_id__in=followee_ids(viewer)))
            .exclude(author_id__in=muted_ids(viewer))
        )

    def search(self, query: str) -> PostQuerySet:
        """Case-insensitive search in the text; the ORM parameterises the query."""
        query = query.strip()
        if not query:
            return self.none()
        return self.filter(body__icontains=query)

    def with_cards(self, viewer: Viewer) -> PostQuerySet:
        """Everything a post card shows, in one query: author, parent, counts and "liked by me"."""
        from .models import Like, Post

        likes = Like.objects.filter(post=OuterRef("pk")).values("post").annotate(n=Count("*")).values("n")
        replies = (
            Post.objects.filter(reply_to=OuterRef("pk")).values("reply_to").annotate(n=Count("*")).values("n")
        )
        queryset = self.select_related("author__profile", "reply_to__author").annotate(
            like_count=Coalesce(Subquery(likes), Value(0)),
            reply_count=Coalesce(Subquery(replies), Value(0)),
        )
        if viewer.is_authenticated:
            return queryset.annotate(liked=Exists(Like.objects.filter(post=OuterRef("pk"), user=viewer.pk)))
        return queryset.annotate(liked=Value(False))
