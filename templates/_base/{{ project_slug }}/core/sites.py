"""The Sites framework's current site follows the settings: https://docs.djangoproject.com/en/5.2/ref/contrib/sites/

Feeds, sitemaps and emails build absolute links from ``Site.domain``; Django creates the site as
``example.com``. After every ``migrate`` (which each deployment runs) the current site takes
``SITE_DOMAIN`` and ``SITE_NAME`` from the settings, so the environment decides.
"""

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.db import DEFAULT_DB_ALIAS


def update_current_site(
    sender: AppConfig, using: str = DEFAULT_DB_ALIAS, apps: Any = global_apps, **kwargs: Any
) -> None:
    """``post_migrate`` receiver (connected in ``apps.py``): write the settings into the current site."""
    model = apps.get_model("sites", "Site")
    name = settings.SITE_NAME[: model._meta.get_field("name").max_length]
    model.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": settings.SITE_DOMAIN, "name": name}
    )
    Site.objects.clear_cache()
