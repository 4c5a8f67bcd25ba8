"""Who follows, asks to follow, blocks and mutes whom, and what people report.

Every relation is a plain row with two indexed foreign keys to the user (no generic foreign keys), unique
per pair, so the feed and the privacy rule read them with subqueries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Relation(models.Model):
    """A directed relation between two different people, at most once per pair."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @classmethod
    def constraints_for(cls, name: str, source: str, target: str) -> list[models.BaseConstraint]:
        return [
            models.UniqueConstraint(fields=[source, target], name=f"graph_{name}_unique"),
            models.CheckConstraint(condition=~Q(**{source: F(target)}), name=f"graph_{name}_not_self"),
        ]


class Follow(Relation):
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following")
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers")

    class Meta:
        constraints = Relation.constraints_for("follow", "follower", "followee")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.followee}"


class FollowRequest(Relation):
    """Asking to follow a private account; accepted (becomes a ``Follow``) or declined (deleted)."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_requests_sent"
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_requests_received"
    )

    class Meta:
        constraints = Relation.constraints_for("follow_request", "requester", "target")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.requester} asks to follow {self.target}"


class Block(Relation):
    """The two people no longer see each other anywhere, and neither follows the other."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocking")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by")

    class Meta:
        constraints = Relation.constraints_for("block", "blocker", "blocked")

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"


class Mute(Relation):
    """The muted person's posts leave the muter's feed; nothing else changes."""

    muter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muting")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_by")

    class Meta:
        constraints = Relation.constraints_for("mute", "muter", "muted")

    def __str__(self) -> str:
        return f"{self.muter} mutes {self.muted}"


class Report(models.Model):
    """A post or a profile reported to the staff, who decide in the moderation queue (``/moderation/``)."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Harassment or abuse"
        ILLEGAL = "illegal", "Illegal content"
        OTHER = "other", "Something else"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received"
    )
    post = models.ForeignKey(
        "posts.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    #: What the staff decided (set with ``resolved_at`` by the moderation queue).
    decision = models.ForeignKey(
        "ModerationAction", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )

    class Meta:
        ordering = ["-created_at"]
        # One open report per reporter and post (or profile): reporting again while the staff have not
        # reviewed it, or twice at once, adds nothing. Once resolved, the same thing may be reported anew.
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=Q(resolved_at__isnull=True, post__isnull=False),
                name="graph_report_open_post_unique",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reported_user"],
                condition=Q(resolved_at__isnull=True, post__isnull=True),
                name="graph_report_open_profile_unique",
            ),
        ]

    def __str__(self) -> str:
        what = f"post #{self.post_id}" if self.post_id else f"profile {self.reported_user}"
        return f"{self.reporter} reported {what} ({self.get_reason_display()})"


class ModerationAction(models.Model):
    """What a moderator did about reports, who did it and why: the moderation log.

    A hidden post (``HIDE_POST``) is hidden from everybody but its author by the privacy rule
    (``graph.moderation.allowed``) for as long as this row exists.
    """

    class Kind(models.TextChoices):
        HIDE_POST = "hide_post", "Post hidden"
        SUSPEND = "suspend", "Account suspended"
        DISMISS = "dismiss", "Report dismissed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="moderation_actions"
    )
    #: The person the reports were about, and the post when they were about one.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_actions_received"
    )
    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="moderation_actions"
    )
    reason = models.TextField(max_length=1000)
    #: For a suspension: when it ends (empty: for ever).
    suspended_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="hide_post") | Q(post__isnull=False), name="graph_hide_names_a_post"
            ),
            models.CheckConstraint(
                condition=Q(kind="suspend") | Q(suspended_until__isnull=True),
                name="graph_until_only_suspends",
            ),
        ]
        indexes = [
            models.Index(fields=["post"], condition=Q(kind="hide_post"), name="graph_hidden_post_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person} by {self.moderator}"

    @property
    def outcome(self) -> str:
        """What a reporter is told."""
        if self.kind == self.Kind.SUSPEND:
            until = f" until {self.suspended_until:%Y-%m-%d %H:%M} UTC" if self.suspended_until else ""
            return f"the account was suspended{until}"
        if self.kind == self.Kind.HIDE_POST:
            return "the post was hidden"
        return "no action was needed"
