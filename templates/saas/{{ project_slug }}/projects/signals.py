"""Clear an organisation's cached dashboard counts when its projects or tasks change, and renew the API's
cached project lists (``core/page_cache.py``)."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..core.page_cache import invalidate_pages
from ..organizations.scoping import org_cache_key
from .models import Project, Task

#: The page-cache group of the API's project lists (kept per organisation).
PROJECT_LISTS = "projects:lists"


@receiver([post_save, post_delete], sender=Project)
@receiver([post_save, post_delete], sender=Task)
def clear_project_stats(sender, instance, **kwargs) -> None:
    cache.delete(org_cache_key("project-stats", organization_id=instance.organization_id))
    if sender is Project:
        invalidate_pages(PROJECT_LISTS)
