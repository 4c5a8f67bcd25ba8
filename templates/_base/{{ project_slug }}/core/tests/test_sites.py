"""The Sites framework's current site (absolute links in feeds, sitemaps, emails) follows SITE_DOMAIN."""

import pytest
from django.apps import apps
from django.contrib.sites.models import Site
from django.contrib.sites.shortcuts import get_current_site
from django.db.models.signals import post_migrate
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_the_current_site_is_the_configured_one_not_example_com(settings):
    site = Site.objects.get_current()
    assert (site.domain, site.name) == (settings.SITE_DOMAIN, settings.SITE_NAME[:50])
    assert site.domain != "example.com"


def test_migrate_applies_a_changed_domain(settings):
    settings.SITE_DOMAIN = "www.example.org"
    # What `migrate` sends for the Sites framework (and only that).
    sites = apps.get_app_config("sites")
    post_migrate.send(
        sender=sites, app_config=sites, verbosity=0, interactive=False, using="default", apps=apps
    )
    assert get_current_site(RequestFactory().get("/")).domain == "www.example.org"
    assert Site.objects.count() == 1
