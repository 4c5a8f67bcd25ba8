from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

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

    def __str__(self) -> str:
        return f"Profile of {self.user.username}"

    def get_absolute_url(self) -> str:
        return reverse("profiles:detail", kwargs={"username": self.user.username})
