"""The organisation dashboard kept per session (core/page_cache.py), renewed at once by every kind of write
to what it shows (organizations/dashboard_cache.py)."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ...billing.models import Subscription
from ...core import page_cache
from ...invitations.models import Invitation
from ...projects import services as projects
from ...projects.models import Project, Task
from ...users.tests.factories import UserFactory
from .. import dashboard_cache, services
from ..context import organization_context
from ..models import Membership, Organization
from ..permissions import Role
from .factories import InvitationFactory, MembershipFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db

#: The tables only the dashboard's own view reads (the middleware reads memberships and organisations).
VIEW_TABLES = ("projects_", "invitations_", "COUNT(")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def dashboard(client_as, owner, acme):
    """Acme's owner on Acme's dashboard, whose page is kept: ``dashboard()`` gets it and checks it came from
    the cache, ``dashboard(fresh=True)`` that it did not (the view ran), ``dashboard(fresh=None)`` either."""
    client = client_as(owner)
    url = reverse("organizations:dashboard", args=[acme.slug])
    client.get(url)  # sets the CSRF cookie and remembers the organisation in the session: not kept
    client.get(url)  # kept

    def get(*, fresh: bool | None = False) -> str:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        ran = [query["sql"] for query in queries if any(table in query["sql"] for table in VIEW_TABLES)]
        assert fresh is None or bool(ran) == fresh, ran
        return response.content.decode()

    get.client, get.url = client, url
    return get


def _work(page: str) -> str:
    return re.search(r"<p>(\d+ projects?, \d+ open of \d+ tasks?)\.</p>", page)[1]


def _seats(page: str) -> str:
    return re.search(r'<span class="count">(\d+ of \d+)[^<]*</span>', page)[1]


def test_a_kept_dashboard_runs_only_the_membership_check(dashboard):
    page = dashboard()  # asserts that no query of the view ran
    assert "Acme" in page and _work(page) == "0 projects, 0 open of 0 tasks"


def test_project_writes_renew_it(dashboard, acme, owner):
    project = projects.create_project(organization=acme, created_by=owner, name="Rocket", description="")
    page = dashboard(fresh=True)
    assert "Rocket" in page and _work(page) == "1 project, 0 open of 0 tasks"
    dashboard()
    project.name = "Moon rocket"
    project.save()
    assert "Moon rocket" in dashboard(fresh=True)
    dashboard()
    Project.unscoped.filter(pk=project.pk).update(name="Mars rocket")  # update(): no signal
    assert "Mars rocket" in dashboard(fresh=True)
    dashboard()
    Project.unscoped.bulk_create([Project(organization=acme, name="Probe")])
    assert "Probe" in dashboard(fresh=True)
    dashboard()
    project.name = "Venus rocket"
    Project.unscoped.bulk_update([project], ["name"])
    assert "Venus rocket" in dashboard(fresh=True)
    dashboard()
    with organization_context(acme):
        Project.objects.filter(name="Probe").delete()
    page = dashboard(fresh=True)
    assert "Probe" not in page and _work(page) == "1 project, 0 open of 0 tasks"
    dashboard()
    project.delete()
    assert _work(dashboard(fresh=True)) == "0 projects, 0 open of 0 tasks"


def test_a_project_moved_to_another_organisation_renews_the_one_it_left(dashboard, acme, globex):
    ProjectFactory(organization=acme, name="Rocket")
    assert "Rocket" in dashboard(fresh=True)
    dashboard()
    project = Project.unscoped.get(name="Rocket")  # read back, as the admin's change form does
    project.organization = globex
    project.save()
    page = dashboard(fresh=True)
    assert "Rocket" not in page and _work(page) == "0 projects, 0 open of 0 tasks"


def test_task_writes_renew_it(dashboard, acme):
    project = ProjectFactory(organization=acme)
    dashboard(fresh=True)
    dashboard()
    task = TaskFactory(project=project)
    assert _work(dashboard(fresh=True)) == "1 project, 1 open of 1 task"
    dashboard()
    task.done = True
    task.save()
    assert _work(dashboard(fresh=True)) == "1 project, 0 open of 1 task"
    dashboard()
    Task.unscoped.filter(pk=task.pk).update(done=False)  # the admin's bulk action: update()
    assert _work(dashboard(fresh=True)) == "1 project, 1 open of 1 task"
    dashboard()
    task.delete()
    assert _work(dashboard(fresh=True)) == "1 project, 0 open of 0 tasks"
    dashboard()
    TaskFactory(project=project)
    dashboard(fresh=True)
    dashboard()
    project.delete()  # its tasks go with it (a cascade)
    assert _work(dashboard(fresh=True)) == "0 projects, 0 open of 0 tasks"


def test_member_writes_renew_it(dashboard, acme, owner):
    assert _seats(dashboard()) == "1 of 25"
    joined = MembershipFactory(organization=acme, role=Role.MEMBER)
    assert _seats(dashboard(fresh=True)) == "2 of 25"
    dashboard()
    Membership.objects.bulk_create([Membership(organization=acme, user=UserFactory(), role=Role.MEMBER)])
    assert _seats(dashboard(fresh=True)) == "3 of 25"
    dashboard()
    services.remove_member(actor=owner, actor_role=Role.OWNER, membership=joined)
    assert _seats(dashboard(fresh=True)) == "2 of 25"
    dashboard()
    acme.members.remove(*acme.members.exclude(pk=owner.pk))  # the many-to-many manager deletes rows
    assert _seats(dashboard(fresh=True)) == "1 of 25"


def test_the_viewers_own_role_and_organisation_are_in_its_key(dashboard, acme, owner):
    assert "Your role: Owner" in dashboard()
    settings_url = reverse("organizations:settings", args=[acme.slug])
    assert settings_url in dashboard()
    Membership.objects.filter(user=owner).update(role=Role.MEMBER)
    page = dashboard(fresh=True)
    assert "Your role: Member" in page and settings_url not in page  # the sidebar follows the role
    dashboard()
    Organization.objects.filter(pk=acme.pk).update(name="Acme Corporation")
    assert "<h1>Acme Corporation</h1>" in dashboard(fresh=True)


def test_the_organisation_switcher_is_in_its_key(dashboard, owner, globex):
    assert "Switch organisation" not in dashboard()
    MembershipFactory(organization=globex, user=owner, role=Role.MEMBER)
    page = dashboard(fresh=True)
    assert "Switch organisation" in page and "Globex" in page
    dashboard()
    Organization.objects.filter(pk=globex.pk).update(name="Globex Worldwide")  # another organisation
    assert "Globex Worldwide" in dashboard(fresh=True)
    dashboard()
    Membership.objects.filter(organization=globex).delete()
    assert "Switch organisation" not in dashboard(fresh=None)  # the first page's rows again: it is right


def test_invitation_writes_and_expiries_renew_it(dashboard, acme, owner, settings):
    invitation = InvitationFactory(organization=acme)
    assert _seats(dashboard(fresh=True)) == "2 of 25"
    dashboard()
    revoked = Invitation.Status.REVOKED
    Invitation.unscoped.filter(pk=invitation.pk).update(status=revoked)  # the admin's action
    assert _seats(dashboard(fresh=True)) == "1 of 25"
    dashboard()
    sent = timezone.now() - timedelta(seconds=settings.INVITATION_MAX_AGE - 60)  # expires in a minute
    InvitationFactory(organization=acme, sent_at=sent)
    with mock.patch.object(page_cache, "_write", wraps=page_cache._write) as write:
        assert _seats(dashboard(fresh=True)) == "2 of 25"
    (_key, _versions, _page, seconds), _ = write.call_args
    assert 0 < seconds <= 60  # kept no longer than until the invitation expires and frees its seat
    with organization_context(acme):
        assert 0 < dashboard_cache.seconds_until_an_invitation_expires(None) <= 60
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(seconds=61)):
            assert dashboard_cache.seconds_until_an_invitation_expires(None) is None  # none pending then


def test_plan_and_trial_changes_are_in_its_key(dashboard, acme):
    assert "Plan: Pro" in dashboard()
    Subscription.objects.filter(organization=acme).update(plan="team")  # the provider's webhook, any write
    page = dashboard(fresh=True)
    assert "Plan: Team" in page and _seats(page) == "1 of 10"
    dashboard()
    ends = timezone.now() + timedelta(days=3, hours=1)
    Subscription.objects.filter(organization=acme).update(status="trialing", trial_ends_at=ends)
    assert "Trial: 4 days left" in dashboard(fresh=True)
    dashboard()
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=1)):
        assert "Trial: 3 days left" in dashboard(fresh=True)  # the clock alone: no write at all


def test_other_members_and_sessions_get_their_own_page(member, dashboard):
    assert "Your role: Owner" in dashboard()
    other = Client()
    other.force_login(member)
    assert "Your role: Member" in other.get(dashboard.url).content.decode()


def test_every_counted_model_renews_on_every_kind_of_write():
    """The design's guarantee (dashboard_cache.py): each model the dashboard counts has the receivers for
    saves and deletes, and every manager of it (related managers are made from the default one) uses
    ``CountedQuerySet`` for the writes that send no signal, and the model remembers the organisation a row
    was read with (``CountedModel``: a moved row renews both)."""
    for label in dashboard_cache.COUNTED:
        model = apps.get_model(label)
        assert issubclass(model, dashboard_cache.CountedModel), label
        for signal in (post_save, post_delete):
            receivers = signal._live_receivers(model)  # (sync, async) since Django 5.0
            receivers = receivers[0] if isinstance(receivers, tuple) else receivers
            assert dashboard_cache._renew_for_row in receivers, (label, signal)
        for manager in model._meta.managers:
            assert issubclass(manager._queryset_class, dashboard_cache.CountedQuerySet), (label, manager.name)
