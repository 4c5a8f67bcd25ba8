"""Notifications grouped per (recipient, kind, post): "Ana and 3 others liked your post".

A notification keeps its latest actor and the number of actors on its own row, so the list reads them
with one ``select_related`` query; the actors themselves are rows of ``NotificationActor``, so undoing
(unlike, unfollow, deleting a reply) removes one and the notification goes with the last.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from ..posts.models import Post


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user) -> NotificationQuerySet:
        """What ``user`` is shown on the site (list, badge, live push, digest): their notifications they may
        still see (``seen_by``) of the kinds they keep on in the app (``NotificationPreference``)."""
        return self.seen_by(user).shown_in_app(user)

    def shown_in_app(self, user) -> NotificationQuerySet:
        """Leave out the kinds ``user`` turned off in the app (a ``NOT IN`` subquery of their choices)."""
        turned_off = NotificationPreference.objects.filter(user=user.pk, in_app=False).values("kind")
        return self.exclude(kind__in=turned_off)

    def seen_by(self, user) -> NotificationQuerySet:
        """``user``'s notifications about what they may still see (the one privacy rule), checked each
        time they are read: the post it is about, and for "replied to your post" a reply by one of its
        actors (a followers-only reply of someone the author does not follow is not announced).

        Both are checked row by row (``EXISTS`` on the notification's own post, by its key), so a page of
        notifications costs the same however many posts the site holds."""
        visible = Post.objects.visible_to(user)
        actors = NotificationActor.objects.filter(notification=OuterRef(OuterRef("pk"))).values("actor_id")
        post_seen = Exists(visible.filter(pk=OuterRef("post")))
        a_reply_seen = Exists(visible.filter(reply_to=OuterRef("post"), author__in=actors))
        return self.filter(recipient=user.pk).filter(
            Q(post__isnull=True) | post_seen,
            ~Q(kind=Notification.Kind.REPLY) | a_reply_seen,
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(is_read=False)


class Notification(models.Model):
    class Kind(models.TextChoices):
        FOLLOW = "follow", "New follower"
        FOLLOW_REQUEST = "follow_request", "Follow request"
        LIKE = "like", "Like"
        REPLY = "reply", "Reply"
        MENTION = "mention", "Mention"
        BOOST = "boost", "Boost"
        REPORT = "report", "Report reviewed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    #: The post the notification is about (the liked, boosted or replied-to post, the post that mentions),
    #: if any.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    #: One notification per (recipient, group_key): "like:<post id>", "follow:"…
    group_key = models.CharField(max_length=40)
    last_actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    actor_count = models.PositiveIntegerField(default=1)
    is_read = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "group_key"], name="notifications_group_unique"),
        ]
        indexes = [
            models.Index(fields=["recipient", "is_read"], name="notifications_unread_idx"),
            models.Index(fields=["recipient", "-updated_at"], name="notifications_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"To {self.recipient}: {self.summary}"

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.FOLLOW_REQUEST:
            return reverse("graph:requests")
        if self.kind == self.Kind.REPORT:
            return reverse("graph:my_reports")
        if self.post_id:
            return reverse("posts:detail", kwargs={"pk": self.post_id})
        return reverse("profiles:detail", kwargs={"username": self.last_actor.username})

    @staticmethod
    def key_for(kind: str, post_id: int | None) -> str:
        return f"{kind}:{post_id or ''}"

    @property
    def summary(self) -> str:
        """ "Ana liked your post", "Ana and 3 others liked your post"."""
        if self.kind == self.Kind.REPORT:
            return "The staff reviewed your report"  # not which moderator
        others = self.actor_count - 1
        who = self.last_actor.display_name
        if others:
            who += f" and {others} other{'s' if others != 1 else ''}"
        verb = {
            self.Kind.FOLLOW: "followed you",
            self.Kind.FOLLOW_REQUEST: "asked to follow you",
            self.Kind.LIKE: "liked your post",
            self.Kind.REPLY: "replied to your post",
            self.Kind.MENTION: "mentioned you",
            self.Kind.BOOST: "boosted your post",
        }[self.kind]
        return f"{who} {verb}"


class NotificationActor(models.Model):
    """One person behind a grouped notification."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="actors")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "actor"], name="notifications_actor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} on notification #{self.notification_id}"


class NotificationPreference(models.Model):
    """One person's choice for one kind of notification: shown in the app, emailed, both or neither.

    A kind without a row follows ``preferences.DEFAULTS`` (every kind in the app; follow requests, mentions
    and the digest by email), so only choices people made are stored, one row per (user, kind).
    """

    #: The kinds of notification, and the daily digest (an email only).
    DIGEST = "digest"
    KINDS = [*Notification.Kind.choices, (DIGEST, "Daily digest of unread notifications")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=KINDS)
    in_app = models.BooleanField("in the app", default=True)
    email = models.BooleanField("by email", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_preference_unique"),
        ]

    def __str__(self) -> str:
        channels = [name for name, on in (("in the app", self.in_app), ("by email", self.email)) if on]
        return f"{self.user}: {self.get_kind_display()} {' and '.join(channels) or 'off'}"
