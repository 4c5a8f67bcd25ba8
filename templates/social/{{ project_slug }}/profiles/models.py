from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..core.validators import IMAGE_VALIDATORS


class Profile(models.Model):
    """What the social network adds to a user; created with the user (``signals.py``).

    The display name and bio live on the user (``users.User.name``/``bio``, edited on the shared profile
    form); the profile holds the avatar and the privacy choices.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    avatar = models.ImageField(upload_to="avatars/%Y/%m/", blank=True, validators=IMAGE_VALIDATORS)
    is_private = models.BooleanField(
        "private account",
        default=False,
        help_text="Only people you approve may follow you and see your posts.",
    )
    hide_followers = models.BooleanField(
        "hide my followers and follows",
        default=False,
        help_text="Others see the counts but not the lists.",
    )

    #: Set by a moderator (``graph.services.suspend``): a suspended person cannot post, and their posts are
    #: hidden by the privacy rule, until ``suspended_until`` (for ever when it is empty).
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)

    #: Set when the person asks for their account to be deleted (``deletion.schedule``): the account is
    #: then gone for everybody else (``present``), and purged at this time unless they cancel first.
    deletion_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(suspended_until__isnull=True) | Q(suspended_at__isnull=False),
                name="profiles_suspension_has_a_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user.username}"

    def get_absolute_url(self) -> str:
        return reverse("profiles:detail", kwargs={"username": self.user.username})

    @property
    def is_leaving(self) -> bool:
        """Whether the account is scheduled for deletion (and hidden until it is purged or restored)."""
        return self.deletion_due_at is not None

    @property
    def is_suspended(self) -> bool:
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > timezone.now()


def present(prefix: str = "") -> Q:
    """The person at ``prefix`` (``""`` for a user, ``"author__"``, ``"user__"``…) is here for others: the
    account is active and not scheduled for deletion. Whoever is not is gone for everybody else, as if the
    account were deleted already: their posts, likes, boosts, profile and mentions (``posts.managers``,
    ``graph.selectors``). They still see their own things and may sign in to cancel the deletion."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}profile__deletion_due_at__isnull": True})
