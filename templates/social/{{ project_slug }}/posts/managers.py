"""The one privacy rule: ``Post.objects.visible_to(viewer)`` decides which posts anyone may see.

Every page, the feed, replies, search, the API and notifications start from it, so the rule is tested
once, exhaustively (``tests/test_privacy.py``), and cannot be forgotten by the next view.

A post is visible to its author always; to anyone else only if its author's account is active (and not
suspended, and the post not hidden by a moderator: ``graph.moderation``) and neither has blocked the other,
and then
- a public post of a public account: to everyone, signed in or not;
- any post of someone the viewer follows (a private account's followers were approved);
- a post that mentions the viewer;
and a reply only if every post above it in its thread (``PostAncestor``: the parent, its parent… up to
the root) is visible by the same rule. One ``NOT EXISTS`` checks the whole thread at any depth, inside
the same SQL query, so a page of the feed stays one query.

Hashtags read through it too: a tag's page lists the posts with the tag that the viewer may see; a followed
tag brings only its *public* posts (of public accounts) into the home feed, still under the rule (blocks,
deactivated accounts, hidden threads); and the trending tags count only public posts the viewer may see.

What is counted on a post follows the same rule: its reply count counts the replies the viewer may see,
and its like count the likes the viewer sees (``likes_seen_by``: none by someone either side of a block
with the viewer), each a subquery of the same SELECT.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..graph import moderation
from ..graph.selectors import followee_ids, muted_ids, unblocked

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    Viewer = AbstractBaseUser | AnonymousUser


def _public_and_open(prefix: str = "") -> Q:
    """A public post of a public account (at ``prefix``): the posts anybody may see, signed in or not."""
    from .models import Post

    return Q(**{f"{prefix}visibility": Post.Visibility.PUBLIC, f"{prefix}author__profile__is_private": False})


def _audience(viewer: Viewer, prefix: str = "") -> Q:
    """Whether ``viewer`` may see the post at ``prefix`` ("" for the post, "reply_to__" for its parent)."""
    from .models import Mention

    active = Q(**{f"{prefix}author__is_active": True})  # a deactivated account's posts are gone
    active &= moderation.allowed(prefix)  # so are hidden posts and a suspended account's posts
    public_and_open = _public_and_open(prefix)
    if not viewer.is_authenticated:
        return active & public_and_open
    author = f"{prefix}author_id"
    post = OuterRef(prefix.removesuffix("__") if prefix else "pk")
    mentioned = Exists(Mention.objects.filter(post=post, user=viewer.pk))
    followed = Q(**{f"{author}__in": followee_ids(viewer)})
    not_blocked = unblocked(viewer, author)
    return Q(**{author: viewer.pk}) | (active & not_blocked & (public_and_open | followed | mentioned))


def likes_seen_by(viewer: Viewer) -> models.QuerySet:
    """The likes ``viewer`` sees and counts: none by someone either side of a block with the viewer, nor
    by a deactivated account (gone for everybody, like its posts)."""
    from .models import Like

    return Like.objects.filter(unblocked(viewer, "user_id"), user__is_active=True)


class PostQuerySet(models.QuerySet):
    def visible_to(self, viewer: Viewer) -> PostQuerySet:
        """Posts ``viewer`` may see (see the module's docstring): replies below an invisible post are out."""
        from .models import PostAncestor

        hidden_above = PostAncestor.objects.filter(post=OuterRef("pk")).exclude(
            _audience(viewer, "ancestor__")
        )
        return self.filter(_audience(viewer)).exclude(Exists(hidden_above))

    def feed_for(self, viewer: AbstractBaseUser) -> PostQuerySet:
        """The home feed: the viewer's own posts, those of people they follow and the public posts with a tag
        they follow, minus muted people. Still one query: the followed tags are an ``EXISTS`` subquery."""
        from .models import PostTag, TagFollow

        followed_tags = TagFollow.objects.filter(user=viewer.pk).values("tag_id")
        tagged = Exists(PostTag.objects.filter(post=OuterRef("pk"), tag__in=followed_tags))
        return (
            self.visible_to(viewer)
            .filter(
                Q(author_id=viewer.pk) | Q(author_id__in=followee_ids(viewer)) | (_public_and_open() & tagged)
            )
            .exclude(author_id__in=muted_ids(viewer))
        )

    def tagged(self, name: str) -> PostQuerySet:
        """Posts with the tag ``name`` (a normalised name, see ``services.tag_name``)."""
        return self.filter(tag_rows__tag__name=name)

    def search(self, query: str) -> PostQuerySet:
        """Case-insensitive search in the text and the content warning; the ORM parameterises the query."""
        query = query.strip()
        if not query:
            return self.none()
        return self.filter(Q(body__icontains=query) | Q(content_warning__icontains=query))

    def with_cards(self, viewer: Viewer) -> PostQuerySet:
        """Everything a post card shows, in one query: author, parent, counts and "liked by me"."""
        from .models import Like, Post

        # Counted as the viewer sees them: a like by someone blocked either way is not there for them.
        likes = likes_seen_by(viewer).filter(post=OuterRef("pk")).values("post").annotate(n=Count("*"))
        # Replies the viewer may see: the card's post is visible, so each reply's own audience decides.
        replies = (
            Post.objects.filter(reply_to=OuterRef("pk"))
            .filter(_audience(viewer))
            .values("reply_to")
            .annotate(n=Count("*"))
            .values("n")
        )
        queryset = self.select_related("author__profile", "reply_to__author").annotate(
            like_count=Coalesce(Subquery(likes.values("n")), Value(0)),
            reply_count=Coalesce(Subquery(replies), Value(0)),
        )
        if viewer.is_authenticated:
            return queryset.annotate(liked=Exists(Like.objects.filter(post=OuterRef("pk"), user=viewer.pk)))
        return queryset.annotate(liked=Value(False))


#: How many of the newest posts in the window the trending list counts, so its cost is bounded.
TRENDING_SAMPLE = 1000


class TagQuerySet(models.QuerySet):
    def trending(self, viewer: Viewer, *, hours: int | None = None, size: int | None = None) -> TagQuerySet:
        """The tags of the most public posts ``viewer`` may see from the last ``hours``
        (``SOCIAL_TRENDING_HOURS``), most used first, at most ``size`` (``SOCIAL_TRENDING_SIZE``); each
        with ``uses``, its number of such posts among the newest ``TRENDING_SAMPLE``. One aggregate query,
        bounded by the sample and the size."""
        from .models import Post

        hours = settings.SOCIAL_TRENDING_HOURS if hours is None else hours
        size = settings.SOCIAL_TRENDING_SIZE if size is None else size
        since = timezone.now() - timedelta(hours=hours)
        posts = Post.objects.visible_to(viewer).filter(_public_and_open(), created_at__gte=since)
        # The newest TRENDING_SAMPLE of them, read newest first: a bounded set the database plans on its
        # own (as a plain IN, PostgreSQL may join it into the tags with the privacy rule inside the loop).
        sample = posts.order_by("-pk").values("pk")[:TRENDING_SAMPLE]
        return (
            self.filter(post_rows__post__in=sample)
            .annotate(uses=Count("post_rows"))
            .order_by("-uses", "name")[:size]
        )
