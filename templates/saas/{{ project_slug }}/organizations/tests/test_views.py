import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ...audit.models import AuditEvent
from ...invitations.models import Invitation
from ...projects.models import Project
from ..context import organization_context
from ..models import Membership, Organization
from ..permissions import Role
from .factories import InvitationFactory, MembershipFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_landing_page_for_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign up" in response.content.decode()


def test_landing_page_is_cached_for_visitors_only(client, client_as, owner, acme, settings):
    settings.PAGE_CACHE_SECONDS = 300  # core/page_cache.py
    assert client.get("/").context is not None
    assert client.get("/").context is None  # the visitors' page, from the cache
    response = client_as(owner).get("/")
    assert [m.organization for m in response.context["memberships"]] == [acme]  # rendered for the member


def test_home_lists_my_organisations_last_used_first(client_as, owner, acme):
    other = MembershipFactory(user=owner, organization__name="Zeta").organization
    client = client_as(owner)
    client.post(reverse("organizations:switch"), {"organization": other.slug})
    response = client.get("/")
    assert [m.organization for m in response.context["memberships"]] == [other, acme]


def test_create_organization_page(client_as, member):
    client = client_as(member)
    assert client.get(reverse("organizations:create")).status_code == 200
    response = client.post(reverse("organizations:create"), {"name": "Startup"})
    organization = Organization.objects.get(name="Startup")
    assert response["Location"] == organization.get_absolute_url()
    assert client.post(reverse("organizations:create"), {"name": "   "}).status_code == 200
    assert Organization.objects.filter(name="").count() == 0


def test_dashboard_shows_counts_and_usage(client_as, owner, member, acme):
    TaskFactory(project=ProjectFactory(organization=acme, name="Rocket"), done=False)
    response = client_as(member).get(reverse("organizations:dashboard", args=[acme.slug]))
    assert response.context["stats"] == {"projects": 1, "tasks": 1, "open_tasks": 1}
    assert response.context["usage"]["seats"] == 2  # the owner and the member
    assert "Rocket" in response.content.decode()


def test_dashboard_meters_usage_against_the_plan_in_constant_queries(client_as, globex, stranger):
    client = client_as(stranger)
    url = reverse("organizations:dashboard", args=[globex.slug])

    def visit() -> tuple[str, int]:
        cache.clear()  # count the queries of the cached stats too
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    client.get(url)  # the first visit also remembers the organisation in the session
    page, few = visit()
    assert '<label for="meter-seats">Seats</label>' in page
    assert 'id="meter-seats" min="0" max="3" value="1" high="2"' in page and "1 of 3" in page
    assert 'id="meter-projects" min="0" max="3" value="0"' in page
    MembershipFactory(organization=globex)
    InvitationFactory(organization=globex)
    ProjectFactory.create_batch(3, organization=globex)
    page, many = visit()
    assert many == few
    assert 'id="meter-seats" min="0" max="3" value="3"' in page and "3 of 3 · full" in page
    assert 'id="meter-projects" min="0" max="3" value="3"' in page and "Upgrade for more" in page


def test_members_page_offers_management_to_admins_only(client_as, acme, owner, org_admin, member):
    url = reverse("organizations:members", args=[acme.slug])
    as_admin = client_as(org_admin).get(url)
    rows = {row["membership"].user: row["manageable"] for row in as_admin.context["rows"]}
    assert rows == {owner: False, org_admin: False, member: True}
    assert "Send invitation" in as_admin.content.decode()
    as_member = client_as(member).get(url)
    assert not any(row["manageable"] for row in as_member.context["rows"])
    assert "Send invitation" not in as_member.content.decode()


def test_members_page_query_count_is_constant(client_as, acme, owner):
    client = client_as(owner)
    url = reverse("organizations:members", args=[acme.slug])

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.get(url)  # the first visit remembers the organisation in the session (a write)
    few = count()
    MembershipFactory.create_batch(5, organization=acme)
    InvitationFactory.create_batch(3, organization=acme)
    assert count() == few


def test_role_change_by_post(client_as, acme, owner, member):
    membership = Membership.objects.get(user=member)
    response = client_as(owner).post(
        reverse("organizations:change_role", args=[acme.slug, membership.pk]), {"role": "admin"}, follow=True
    )
    assert "is now admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_a_member_cannot_change_roles(client_as, acme, owner, member):
    target = Membership.objects.get(user=owner)
    response = client_as(member).post(
        reverse("organizations:change_role", args=[acme.slug, target.pk]), {"role": "member"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.OWNER


def test_demoting_the_last_owner_shows_a_message(client_as, acme, owner):
    membership = Membership.objects.get(user=owner)
    response = client_as(owner).post(
        reverse("organizations:change_role", args=[acme.slug, membership.pk]), {"role": "member"}, follow=True
    )
    assert response.status_code == 200
    assert "needs an owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_an_invalid_role_is_a_message(client_as, acme, owner, member):
    membership = Membership.objects.get(user=member)
    url = reverse("organizations:change_role", args=[acme.slug, membership.pk])
    response = client_as(owner).post(url, {"role": "emperor"}, follow=True)
    assert "Choose one of the roles" in response.content.decode()


def test_remove_and_leave(client_as, acme, owner, member, org_admin):
    client = client_as(owner)
    target = Membership.objects.get(user=member)
    client.post(reverse("organizations:remove_member", args=[acme.slug, target.pk]))
    assert not Membership.objects.filter(pk=target.pk).exists()
    client = client_as(org_admin)
    mine = Membership.objects.get(user=org_admin)
    response = client.post(reverse("organizations:remove_member", args=[acme.slug, mine.pk]))
    assert response["Location"] == "/"
    assert not Membership.objects.filter(pk=mine.pk).exists()


def test_settings_rename(client_as, acme, owner, member):
    url = reverse("organizations:settings", args=[acme.slug])
    assert client_as(member).get(url).status_code == 403
    client = client_as(owner)
    assert client.post(url, {"name": ""}).status_code == 200
    client.post(url, {"name": "Acme Rockets"})
    acme.refresh_from_db()
    assert acme.name == "Acme Rockets"
    with organization_context(acme):
        assert (
            AuditEvent.objects.get(action=AuditEvent.Action.SETTINGS_CHANGED).summary
            == "name: Acme → Acme Rockets"
        )


def test_sidebar_offers_the_sections_and_a_switcher_to_members_of_several(client_as, owner, acme, globex):
    url = reverse("projects:list", args=[acme.slug])
    content = client_as(owner).get(url).content.decode()
    assert '<aside class="sidebar"' in content and "Audit log" in content
    assert f'href="{url}" aria-current="page"' in content
    assert 'name="organization"' not in content  # one organisation: nothing to switch to
    MembershipFactory(organization=globex, user=owner, role=Role.MEMBER)
    content = client_as(owner).get(url).content.decode()
    switcher = content[content.index('<details class="org-switcher">') :]
    # One button per other organisation, its whole name shown: no select to cut it short.
    assert f'name="organization" value="{globex.slug}"' in switcher and "Globex" in switcher
    assert f'value="{acme.slug}"' not in switcher and "<select" not in switcher


def test_pages_outside_an_organisation_have_no_sidebar(client_as, stranger):
    assert '<aside class="sidebar"' not in client_as(stranger).get(reverse("home")).content.decode()


def test_owners_delete_an_organisation_after_typing_its_slug(client_as, stranger, globex, acme):
    ProjectFactory(organization=globex)
    InvitationFactory(organization=globex)
    client = client_as(stranger)
    url = reverse("organizations:delete", kwargs={"org_slug": "globex"})
    assert "Deleted with it: 1 project and their" in client.get(url).content.decode()
    wrong = client.post(url, {"confirm": "acme"})
    assert "exactly: nothing was deleted" in wrong.content.decode()
    assert Organization.objects.filter(slug="globex").exists()
    response = client.post(url, {"confirm": " globex "})
    assert response["Location"] == "/"
    assert not Organization.objects.filter(pk=globex.pk).exists()
    for model in (Membership, Project, Invitation, AuditEvent):
        assert not model._base_manager.filter(organization_id=globex.pk).exists(), model
    assert Organization.objects.filter(pk=acme.pk).exists()  # nobody else's
    assert type(stranger).objects.filter(pk=stranger.pk).exists()  # the people stay


def test_a_running_paid_subscription_stops_the_deletion(client_as, owner, acme):
    url = reverse("organizations:delete", kwargs={"org_slug": "acme"})
    response = client_as(owner).post(url, {"confirm": "acme"})
    assert "cancel it on the Billing page first" in response.content.decode()
    assert Organization.objects.filter(pk=acme.pk).exists()


def test_only_owners_may_delete_the_organisation(client_as, org_admin, acme):
    client = client_as(org_admin)
    url = reverse("organizations:delete", kwargs={"org_slug": "acme"})
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "acme"}).status_code == 403
    settings_page = client.get(reverse("organizations:settings", kwargs={"org_slug": "acme"}))
    assert "Delete Acme" not in settings_page.content.decode()
    assert Organization.objects.filter(pk=acme.pk).exists()
