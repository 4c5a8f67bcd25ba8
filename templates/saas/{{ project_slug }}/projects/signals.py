"""Renew the API's cached project lists (``core/page_cache.py``) when a project changes. The dashboard's
counts and its kept pages are renewed by ``organizations/dashboard_cache.py``."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..core.page_cache import invalidate_pages
from .models import Project

#: The page-cache group of the API's project lists (kept per organisation).
PROJECT_LISTS = "projects:lists"


@receiver([post_save, post_delete], sender=Project)
def renew_project_lists(sender, instance, **kwargs) -> None:
    invalidate_pages(PROJECT_LISTS)
