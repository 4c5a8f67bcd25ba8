"""Clear an organisation's cached dashboard counts when its projects or tasks change."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..organizations.scoping import org_cache_key
from .models import Project, Task


@receiver([post_save, post_delete], sender=Project)
@receiver([post_save, post_delete], sender=Task)
def clear_project_stats(sender, instance, **kwargs) -> None:
    cache.delete(org_cache_key("project-stats", organization_id=instance.organization_id))
