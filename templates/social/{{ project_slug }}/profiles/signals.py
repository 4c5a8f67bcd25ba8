"""Signal receivers, connected in ``ProfilesConfig.ready()``.

https://docs.djangoproject.com/en/5.2/topics/signals/
"""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Every new user gets a profile, however the account was made (signup, allauth, admin, shell)."""
    if created and not raw:
        Profile.objects.create(user=instance)  # a new account has none yet: no lookup first
