"""Two tabs create the same thing at the same moment, on a real PostgreSQL database (skipped on SQLite).

Each thread has its own connection (see ``core.tests.concurrency``); both forms pass their checks, and
the database's unique constraints decide: the tabs never see a 500.
"""

import pytest
from django.test import Client
from django.urls import reverse

from ...core.tests.concurrency import postgresql_only, run_at_once
from ...organizations.models import Organization
from ..models import Project

TABS = 6


def tab(user):
    """A signed-in browser tab of ``user``."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_project_name_sent_from_six_tabs_at_once_makes_one_project(owner, acme):
    def create() -> str:
        response = tab(owner).post(reverse("projects:create", args=[acme.slug]), {"name": "Moonshot"})
        if response.status_code == 200 and "already has a project named “Moonshot”" in response.text:
            return "told the name is taken"
        return str(response.status_code)

    answers = sorted(run_at_once(create, TABS), key=str)
    assert answers == ["302"] + ["told the name is taken"] * (TABS - 1), answers
    assert Project.unscoped.filter(name="Moonshot").count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_organisation_name_sent_from_three_tabs_at_once_gets_three_addresses(owner):
    """Names need not be unique, their slugs are: each tab gets its organisation, as one after another
    would (a slug is tried three times before the form says to send it again)."""

    def create() -> int:
        return tab(owner).post(reverse("organizations:create"), {"name": "Initech"}).status_code

    answers = run_at_once(create, 3)
    assert answers == [302] * 3, answers
    slugs = sorted(Organization.objects.filter(name="Initech").values_list("slug", flat=True))
    assert slugs == ["initech", "initech-2", "initech-3"]
