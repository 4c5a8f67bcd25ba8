"""A user deletes their own account: refused while they are the last owner of an organisation with other
members; organisations they alone belong to go with them; the audit log outlives the account."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from ...audit.models import AuditEvent
from ...billing.models import Subscription
from ...users.tests.factories import PASSWORD
from ..models import Membership, Organization
from ..permissions import Role
from .factories import MembershipFactory, OrganizationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

URL = reverse("organizations:delete_account")


def _delete(client, password: str = PASSWORD):
    return client.post(URL, {"password": password}, follow=True)


def _exists(user) -> bool:
    return get_user_model().objects.filter(pk=user.pk).exists()


def test_the_last_owner_of_an_organisation_with_other_members_is_refused(client_as, acme, owner, member):
    client = client_as(owner)
    page = client.get(URL).content.decode()
    assert "You are the last owner of these organisations" in page and "Acme" in page
    response = _delete(client)
    assert response.status_code == 200
    assert "You are the last owner of Acme, which has other members" in response.content.decode()
    assert _exists(owner) and Membership.objects.filter(organization=acme).count() == 2


def test_the_way_out_transfer_ownership_then_delete(client_as, acme, owner, member):
    """The refusal page links both ways out; making the member an owner (the Members page's role change)
    is enough, and the audit log keeps the departed owner's name."""
    client = client_as(owner)
    page = client.get(URL).content.decode()
    assert reverse("organizations:members", args=["acme"]) in page
    assert reverse("organizations:delete", args=["acme"]) in page
    membership = Membership.objects.get(organization=acme, user=member)
    client.post(reverse("organizations:change_role", args=["acme", membership.pk]), {"role": Role.OWNER})
    assert "You are the last owner" not in client.get(URL).content.decode()
    assert "Your account was deleted." in _delete(client).content.decode()
    assert not _exists(owner)
    labels = set(AuditEvent.unscoped.filter(organization=acme).values_list("actor_label", "action"))
    assert {("olivia", "member.role_changed"), ("olivia", "account.deleted")} <= labels
    assert not AuditEvent.unscoped.filter(
        organization=acme, actor__isnull=False, actor_label="olivia"
    ).exists()


def test_the_way_out_delete_the_organisation_first(client_as, acme, owner, member):
    Subscription.objects.filter(organization=acme).update(plan="free")
    client = client_as(owner)
    client.post(reverse("organizations:delete", args=["acme"]), {"confirm": "acme"})
    assert not Organization.objects.filter(slug="acme").exists()
    assert "Your account was deleted." in _delete(client).content.decode()
    assert not _exists(owner) and _exists(member)


def test_organisations_where_they_are_alone_go_with_them_and_the_others_keep_the_audit_event(
    client_as, acme, owner, member
):
    solo = OrganizationFactory(name="Solo", slug="solo")
    MembershipFactory(organization=solo, user=member, role=Role.OWNER)
    ProjectFactory(organization=solo)
    client, name = client_as(member), str(member)
    page = client.get(URL).content.decode()
    assert "<strong>Solo</strong>" in page and "You leave: Acme" in page
    response = _delete(client)
    assert "Your account was deleted." in response.content.decode()
    assert not _exists(member) and not Organization.objects.filter(slug="solo").exists()
    assert list(acme.memberships.values_list("user", flat=True)) == [owner.pk]
    event = AuditEvent.unscoped.get(organization=acme, action=AuditEvent.Action.ACCOUNT_DELETED)
    assert (event.actor, event.actor_label, event.summary) == (None, "mia", f"{name} left: account deleted")
    assert not client.get(
        reverse("organizations:dashboard", args=["acme"])
    ).wsgi_request.user.is_authenticated


def test_an_owner_with_another_owner_may_go(client_as, acme, owner, org_admin):
    Membership.objects.filter(user=org_admin).update(role=Role.OWNER)
    _delete(client_as(owner))
    assert not _exists(owner) and acme.memberships.get().user == org_admin


def test_a_wrong_password_deletes_nothing(client_as, acme, owner):
    response = _delete(client_as(owner), "not-my-password")
    assert "That is not your password, so nothing was deleted." in response.content.decode()
    assert _exists(owner) and Organization.objects.filter(slug="acme").exists()


def test_an_organisation_of_theirs_with_a_running_subscription_is_cancelled_first(client_as, acme, owner):
    Subscription.objects.filter(organization=acme).update(plan="pro", status="active")
    response = _delete(client_as(owner))
    assert "running Pro subscription: cancel it" in response.content.decode()
    assert _exists(owner) and Organization.objects.filter(slug="acme").exists()


def test_signed_out_visitors_are_sent_to_log_in(client, owner):
    assert client.post(URL, {"password": PASSWORD}).status_code == 302
    assert _exists(owner)
