"""Signal receivers, connected in ``BlogConfig.ready()``.

https://docs.djangoproject.com/en/5.2/topics/signals/
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .cards import invalidate_cards
from .models import Category, Comment, Post, Tag
from .sidebar import invalidate_sidebar


@receiver(pre_save, sender=Post)
def set_publication_date(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    """A post published without a date is published now."""
    if instance.status == Post.Status.PUBLISHED and instance.published_at is None:
        instance.published_at = timezone.now()


@receiver(post_save, sender=Post)
@receiver(post_delete, sender=Post)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
@receiver(m2m_changed, sender=Post.tags.through)
def clear_list_caches(sender: type, **kwargs: Any) -> None:
    """Posts, categories or tags changed: the cached sidebar and post cards are stale."""
    invalidate_sidebar()
    invalidate_cards()


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
@receiver(post_save, sender=get_user_model())
def clear_cards_cache(sender: type, **kwargs: Any) -> None:
    """A post card shows its comment count and its author's name: cached cards are stale."""
    invalidate_cards()
