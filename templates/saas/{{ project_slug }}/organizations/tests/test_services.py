import pytest
from django.db import IntegrityError

from ...audit.models import AuditEvent
from ...billing.models import Subscription
from .. import services
from ..context import organization_context
from ..exceptions import ActionRefused, LastOwnerError
from ..models import Membership, Organization
from ..permissions import Role
from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_organization_makes_the_creator_owner_on_the_free_plan_without_a_trial(settings):
    settings.BILLING_TRIAL_DAYS = 0
    user = UserFactory()
    organization = services.create_organization(name="  New Co ", owner=user)
    assert organization.name == "New Co"
    assert organization.slug == "new-co"
    assert Membership.objects.get(organization=organization).role == Role.OWNER
    assert organization.subscription.plan == "free"
    assert organization.subscription.status == Subscription.Status.ACTIVE
    with organization_context(organization):
        assert AuditEvent.objects.get().action == AuditEvent.Action.ORGANIZATION_CREATED


def test_slugs_are_unique_and_avoid_reserved_words():
    user = UserFactory()
    assert services.create_organization(name="Twin", owner=user).slug == "twin"
    assert services.create_organization(name="Twin", owner=user).slug == "twin-2"
    assert services.create_organization(name="New", owner=user).slug == "new-2"
    assert services.create_organization(name="!!!", owner=user).slug == "organization"


def _membership(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization)


def test_owner_changes_roles_and_it_is_audited(acme, owner, member):
    with organization_context(acme):
        services.change_role(
            actor=owner, actor_role=Role.OWNER, membership=_membership(member, acme), role="admin"
        )
        event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_CHANGED)
    assert _membership(member, acme).role == Role.ADMIN
    assert event.actor == owner and "Member → Admin" in event.summary


def test_the_last_owner_cannot_be_demoted_or_removed(acme, owner):
    membership = _membership(owner, acme)
    with pytest.raises(LastOwnerError):
        services.change_role(actor=owner, actor_role=Role.OWNER, membership=membership, role="member")
    with pytest.raises(LastOwnerError):
        services.remove_member(actor=owner, actor_role=Role.OWNER, membership=membership)
    assert _membership(owner, acme).role == Role.OWNER


def test_an_owner_can_step_down_once_there_is_another_owner(acme, owner, org_admin):
    services.change_role(
        actor=owner, actor_role=Role.OWNER, membership=_membership(org_admin, acme), role=Role.OWNER
    )
    services.change_role(
        actor=owner, actor_role=Role.OWNER, membership=_membership(owner, acme), role="member"
    )
    assert list(Membership.objects.filter(organization=acme).owners().values_list("user", flat=True)) == [
        org_admin.pk
    ]


@pytest.mark.parametrize("role", ["owner", "nonsense"])
def test_admins_cannot_make_owners_or_invent_roles(acme, org_admin, member, role):
    with pytest.raises(ActionRefused):
        services.change_role(
            actor=org_admin, actor_role=Role.ADMIN, membership=_membership(member, acme), role=role
        )
    assert _membership(member, acme).role == Role.MEMBER


def test_admins_cannot_touch_owners(acme, owner, org_admin):
    with pytest.raises(ActionRefused):
        services.remove_member(actor=org_admin, actor_role=Role.ADMIN, membership=_membership(owner, acme))


def test_members_cannot_remove_others_but_can_leave(acme, member, org_admin):
    with pytest.raises(ActionRefused):
        services.remove_member(actor=member, actor_role=Role.MEMBER, membership=_membership(org_admin, acme))
    services.remove_member(actor=member, actor_role=Role.MEMBER, membership=_membership(member, acme))
    assert not Membership.objects.filter(user=member).exists()
    with organization_context(acme):
        assert AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_LEFT).count() == 1


def test_rename_is_audited_and_needs_the_permission(acme, owner, member):
    with pytest.raises(ActionRefused):
        services.rename_organization(actor=member, actor_role=Role.MEMBER, organization=acme, name="Hacked")
    services.rename_organization(actor=owner, actor_role=Role.OWNER, organization=acme, name="Acme Ltd")
    assert Organization.objects.get(pk=acme.pk).name == "Acme Ltd"


def test_membership_is_unique(acme, member):
    with pytest.raises(IntegrityError):
        MembershipFactory(organization=acme, user=member)
