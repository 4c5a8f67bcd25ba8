"""Signal receivers, connected in ``TasksConfig.ready()``: a change of a task, list or label renews the
API's cached task lists (``core/page_cache.py``; kept per owner and day, see ``api/views.py``).

``TaskQuerySet.complete()`` and ``reopen()`` change tasks with ``QuerySet.update()``, which sends no
signal: they renew the lists themselves.
"""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from ..core.page_cache import invalidate_pages
from .models import TASK_LISTS, Label, Task, TaskList


@receiver(post_save, sender=Task)
@receiver(post_delete, sender=Task)
@receiver(post_save, sender=TaskList)
@receiver(post_delete, sender=TaskList)
@receiver(post_save, sender=Label)
@receiver(post_delete, sender=Label)
@receiver(m2m_changed, sender=Task.labels.through)
def tasks_changed(sender: type, **kwargs: Any) -> None:
    """A task, a list (its name, colour) or a label changed: cached task lists are stale."""
    invalidate_pages(TASK_LISTS)
