"""Signal receivers, connected in ``BlogConfig.ready()``.

https://docs.djangoproject.com/en/5.2/topics/signals/
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from . import counts
from .cards import invalidate_cards
from .models import Category, Comment, Post, Tag
from .sidebar import invalidate_sidebar


@receiver(pre_save, sender=Post)
def set_publication_date(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    """A post published without a date is published now."""
    if instance.status == Post.Status.PUBLISHED and instance.published_at is None:
        instance.published_at = timezone.now()


@receiver(pre_save, sender=Post)
def remember_counted_state(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    """What the counts knew of the post before this save: its status and category in the database."""
    if not instance._state.adding:
        stored = Post.objects.filter(pk=instance.pk).values_list("status", "category")
        instance._counted_before = stored.first()


@receiver(post_save, sender=Post)
def recount_after_save(sender: type[Post], instance: Post, created: bool, **kwargs: Any) -> None:
    """A post published, unpublished or moved: recount its old and new category, and (its status changed)
    its tags and the blog's total."""
    before = instance.__dict__.pop("_counted_before", None) or (None, None)
    if before == (instance.status, instance.category_id):
        return
    published = Post.Status.PUBLISHED
    tags: Iterable[int] = ()
    if not created and before[0] != instance.status:
        tags = instance.tags.values_list("pk", flat=True)
    total = (before[0] == published) != (instance.status == published)
    counts.recount(categories=(before[1], instance.category_id), tags=tags, total=total)


@receiver(pre_delete, sender=Post)
def remember_counted_archives(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    """A published post is going: remember its category and tags (its tag rows go first)."""
    if instance.status == Post.Status.PUBLISHED:
        instance._counted_archives = (instance.category_id, list(instance.tags.values_list("pk", flat=True)))


@receiver(post_delete, sender=Post)
def recount_after_delete(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    if "_counted_archives" in instance.__dict__:
        category, tags = instance.__dict__.pop("_counted_archives")
        counts.recount(categories=[category], tags=tags, total=True)


@receiver(m2m_changed, sender=Post.tags.through)
def recount_tags(
    sender: type, instance: Post | Tag, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Tags added to or taken from a post (or posts to or from a tag): recount the tags concerned."""
    if action == "pre_clear" and not reverse:
        instance._cleared_tags = list(instance.tags.values_list("pk", flat=True))
    elif action in {"post_add", "post_remove"}:
        counts.recount(tags=[instance.pk] if reverse else pk_set or ())
    elif action == "post_clear":
        counts.recount(tags=[instance.pk] if reverse else instance.__dict__.pop("_cleared_tags", []))


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
