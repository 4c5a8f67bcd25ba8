"""Custom querysets and managers: the one place that defines what "published" means."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


class PostQuerySet(models.QuerySet):
    def published(self) -> PostQuerySet:
        """Posts marked published whose publication date has come (future dates are scheduled)."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self) -> PostQuerySet:
        """Posts marked published whose publication date is still to come."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__gt=timezone.now())

    def not_out(self) -> PostQuerySet:
        """What ``published()`` leaves out: drafts and scheduled posts."""
        return self.exclude(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self) -> PostQuerySet:
        return self.filter(status=self.model.Status.DRAFT)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> PostQuerySet:
        """Published posts for everyone, plus every post (drafts, scheduled) of the signed-in author."""
        if user.is_authenticated:
            return self.filter(
                Q(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now()) | Q(author=user)
            )
        return self.published()

    def newest_first(self) -> PostQuerySet:
        """Explicit ordering: ``Meta.ordering`` is not applied to aggregated (GROUP BY) queries."""
        return self.order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")

    def with_related(self) -> PostQuerySet:
        """Everything a post card shows, in a constant number of queries (no N+1)."""
        return self.select_related("author", "category").prefetch_related("tags")

    def with_comment_count(self, *, pending: bool = False) -> PostQuerySet:
        """``num_comments``: each post's approved comments (and ``num_pending``, those awaiting approval,
        with ``pending``). Each count is a subquery per post shown, so a page of 20 posts counts the
        comments of 20 posts, not of every post before the limit (a join and GROUP BY would)."""
        counts = {"num_comments": self._comments_per_post(approved=True)}
        if pending:
            counts["num_pending"] = self._comments_per_post(approved=False)
        return self.annotate(**counts)

    def _comments_per_post(self, *, approved: bool) -> Coalesce:
        comments = self.model._meta.get_field("comments").related_model.objects
        per_post = comments.filter(post=OuterRef("pk"), is_approved=approved).order_by().values("post")
        return Coalesce(Subquery(per_post.annotate(n=Count("pk")).values("n")), 0)

    def search(self, query: str) -> PostQuerySet:
        """Case-insensitive search in title, excerpt and body; the ORM parameterises the query."""
        query = query.strip()
        if not query:
            return self.none()
        return self.filter(Q(title__icontains=query) | Q(excerpt__icontains=query) | Q(body__icontains=query))


class PublishedManager(models.Manager.from_queryset(PostQuerySet)):
    """``Post.published.all()``: only the posts readers may see."""

    def get_queryset(self) -> PostQuerySet:
        return super().get_queryset().published()


class CommentQuerySet(models.QuerySet):
    def approved(self) -> CommentQuerySet:
        return self.filter(is_approved=True)

    def pending(self) -> CommentQuerySet:
        return self.filter(is_approved=False)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> CommentQuerySet:
        """Approved comments, plus the user's own still awaiting moderation."""
        if user.is_authenticated:
            return self.filter(Q(is_approved=True) | Q(author=user))
        return self.approved()
