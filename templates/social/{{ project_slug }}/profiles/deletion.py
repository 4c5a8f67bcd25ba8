"""Deleting one's own account, with a grace period.

- **Scheduling** (``schedule``, after the person entered their password again) sets
  ``Profile.deletion_due_at`` to now plus ``SOCIAL_DELETION_GRACE_DAYS`` days, by one conditional UPDATE
  (asking twice keeps the first date). From then on the account is gone for everybody else, as if it were
  deleted already: ``profiles.models.present`` is part of the privacy rule, so their posts (and the replies
  below them), likes, boosts, profile page, search results and new mentions disappear for others. The
  person may still sign in: they see their own things, may download an export, and may cancel.
- **Cancelling** (``cancel``) clears the date, also by one conditional UPDATE, until the purge has run.
- **Purging** (``purge_due``: the ``purge_deleted_accounts`` command, and an hourly Celery beat task in a
  project with Celery) deletes each account whose date has passed, one transaction each, its profile row
  locked first
  (``SELECT … FOR UPDATE SKIP LOCKED``): two purges at the same moment never take the same account, and a
  cancel sent meanwhile waits for the lock and then finds nothing to cancel. Running it again does
  nothing more. What goes: their posts with their images (the files are deleted after the commit by
  ``posts.media``), edit history, likes, boosts, follows, blocks, mutes, reports, notifications, exports
  (with their archives), their avatar file, and the user. What stays: other people's replies to their
  posts (now the start of their own thread, "in reply to a deleted post"), and mentions of them in other
  people's posts, as plain text (``Post.linked_mentions``: the mention rows go with the user).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.archives import delete_files_after_commit
from ..posts import timeline_cache
from .models import Profile

logger = logging.getLogger(__name__)


def grace_period() -> timedelta:
    return timedelta(days=settings.SOCIAL_DELETION_GRACE_DAYS)


def schedule(user) -> Profile:
    """Schedule ``user``'s account for deletion after the grace period (again: the first date stays)."""
    Profile.objects.get_or_create(user=user)
    if Profile.objects.filter(user=user, deletion_due_at__isnull=True).update(
        deletion_due_at=timezone.now() + grace_period()
    ):
        timeline_cache.changed()  # an update() sends no signal: cached timelines still show them
    return Profile.objects.get(user=user)


def cancel(user) -> bool:
    """Keep ``user``'s account after all; False when no deletion was scheduled."""
    if not Profile.objects.filter(user=user, deletion_due_at__isnull=False).update(deletion_due_at=None):
        return False
    timeline_cache.changed()
    return True


def due_ids() -> list[int]:
    """The users whose deletion is due now."""
    return list(Profile.objects.filter(deletion_due_at__lte=timezone.now()).values_list("user_id", flat=True))


def purge(user_id: int) -> bool:
    """Delete the account of ``user_id`` if its deletion is due and no other purge holds it; whether this
    call deleted it."""
    from ..exports.models import Export
    from ..posts.models import Post

    with transaction.atomic():
        profile = (
            Profile.objects.select_for_update(skip_locked=True)
            .filter(user_id=user_id, deletion_due_at__lte=timezone.now())
            .select_related("user")
            .first()
        )
        if profile is None:  # cancelled, purged already, or being purged by someone else right now
            return False
        user = profile.user
        # Other people's replies to their posts stay, each now the start of its own thread.
        Post.objects.filter(reply_to__author=user).exclude(author=user).update(
            reply_to=None, parent_deleted=True
        )
        delete_files_after_commit(Export.objects.filter(user=user))
        avatar = profile.avatar.name
        if avatar:
            storage = profile.avatar.storage
            transaction.on_commit(lambda: storage.delete(avatar), robust=True)
        # Posts (and, by cascade, their images, whose files posts.media deletes after the commit), likes,
        # boosts, follows, blocks, reports, notifications, mentions of them, exports: all go with the user.
        get_user_model().objects.filter(pk=user.pk).delete()
    logger.info("Account %s purged after its grace period", user_id)
    return True


def purge_due() -> int:
    """Purge every account whose deletion is due; how many this call purged (safe to run twice at once)."""
    return sum(purge(user_id) for user_id in due_ids())
