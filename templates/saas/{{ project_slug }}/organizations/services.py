"""Changes to organisations and memberships: each checks the permission table and the last-owner rule,
runs in a transaction and writes the audit log."""

import logging

from django.db import transaction

from ..audit.models import AuditEvent
from ..audit.services import record, release_log_for_deletion
from ..billing.entitlements import plan_for
from ..billing.plans import FREE
from ..billing.seats import sync_seats_after_commit
from ..billing.services import start_subscription
from .context import organization_context
from .exceptions import ActionRefused, LastOwnerError
from .models import Membership, Organization
from .permissions import Action, Role, assignable_roles, can, can_manage_member

logger = logging.getLogger(__name__)


@transaction.atomic
def create_organization(*, name: str, owner) -> Organization:
    """A new organisation, on a trial or the free plan (``start_subscription``), with ``owner`` as its
    first owner."""
    name = name.strip()
    organization = Organization.objects.create(name=name)  # its slug: see ``Organization``
    Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    start_subscription(organization)
    with organization_context(organization):
        record(organization, AuditEvent.Action.ORGANIZATION_CREATED, actor=owner, summary=organization.name)
    return organization


def _lock_owners(organization: Organization) -> int:
    """Lock the organisation's owner rows (so two demotions cannot race) and count them."""
    return len(list(Membership.objects.select_for_update().filter(organization=organization).owners()))


@transaction.atomic
def change_role(*, actor, actor_role: str, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ActionRefused(f"'{role}' is not a role.")
    if not can_manage_member(actor_role, membership.role) or role not in assignable_roles(actor_role):
        raise ActionRefused("Your role does not allow this change.")
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and _lock_owners(membership.organization) <= 1:
        raise LastOwnerError("An organisation needs an owner: make someone else an owner first.")
    previous = membership.get_role_display()
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        membership.organization,
        AuditEvent.Action.ROLE_CHANGED,
        actor=actor,
        summary=f"{membership.user}: {previous} → {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def remove_member(*, actor, actor_role: str, membership: Membership) -> None:
    """Remove someone else (needs the permission) or yourself (leaving); never the last owner. The billed
    seats follow once committed (``billing/seats.py``)."""
    leaving = membership.user_id == actor.pk
    if not leaving and not can_manage_member(actor_role, membership.role):
        raise ActionRefused("Your role does not allow removing this member.")
    if membership.role == Role.OWNER and _lock_owners(membership.organization) <= 1:
        raise LastOwnerError("The last owner cannot leave or be removed: make someone else an owner first.")
    membership.delete()
    action = AuditEvent.Action.MEMBER_LEFT if leaving else AuditEvent.Action.MEMBER_REMOVED
    record(membership.organization, action, actor=actor, summary=str(membership.user))
    sync_seats_after_commit(membership.organization)


@transaction.atomic
def rename_organization(*, actor, actor_role: str, organization: Organization, name: str) -> Organization:
    if not can(actor_role, Action.MANAGE_SETTINGS):
        raise ActionRefused("Your role does not allow changing the settings.")
    previous = organization.name
    organization.name = name.strip()
    organization.save(update_fields=["name"])
    record(
        organization, AuditEvent.Action.SETTINGS_CHANGED, actor=actor, summary=f"name: {previous} → {name}"
    )
    return organization


@transaction.atomic
def delete_organization(*, actor, actor_role: str, organization: Organization) -> None:
    """Delete the organisation with everything it owns (memberships, invitations, projects… and its audit
    log). Refused while a paid subscription runs (the provider would go on charging); a trial does not
    stop it."""
    if not can(actor_role, Action.DELETE_ORGANIZATION):
        raise ActionRefused("Only owners can delete the organisation.")
    plan = plan_for(organization)  # the paid plan while its subscription runs, else Free
    if plan != FREE and organization.subscription.is_live_paid:  # a trial charges nothing
        raise ActionRefused(
            f"{organization.name} has a running {plan.name} subscription: cancel it "
            "on the Billing page first, then delete the organisation."
        )
    # The audit log goes with the organisation; this line in the server log is what remains.
    logger.warning("Organisation %s (id %s) deleted by %s", organization.slug, organization.pk, actor)
    release_log_for_deletion(organization)
    organization.delete()
