"""Changes to organisations and memberships: each checks the permission table and the last-owner rule,
runs in a transaction and writes the audit log."""

import logging
from dataclasses import dataclass

from django.db import transaction

from ..audit.models import AuditEvent
from ..audit.services import record, release_log_for_deletion
from ..billing.entitlements import plan_for
from ..billing.plans import FREE
from ..billing.seats import sync_seats_after_commit
from ..billing.services import start_subscription
from ..exports.services import delete_files_after_commit as delete_export_files_after_commit
from . import two_factor
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
def set_two_factor_requirement(*, actor, actor_role: str, organization: Organization, required: bool) -> bool:
    """Require two-factor authentication of every member (or stop requiring it). Turning it on is refused
    unless the acting member has it (they would be sent to set it up on their next page). The change is
    one conditional UPDATE, so of two people toggling at once only one changes it and one audit event is
    written; returns whether this call changed it."""
    if not can(actor_role, Action.MANAGE_SETTINGS):
        raise ActionRefused("Your role does not allow changing the settings.")
    if required and not two_factor.available:
        raise ActionRefused(two_factor.UNAVAILABLE)
    if required and not two_factor.has_two_factor(actor):
        raise ActionRefused(
            "Set up two-factor authentication for your own account first: "
            "requiring it would otherwise lock you out of the organisation's pages."
        )
    changed = Organization.objects.filter(pk=organization.pk, require_two_factor=not required).update(
        require_two_factor=required
    )
    organization.require_two_factor = required
    if changed:
        summary = "required" if required else "no longer required"
        record(
            organization,
            AuditEvent.Action.SETTINGS_CHANGED,
            actor=actor,
            summary=f"two-factor authentication {summary} for members",
        )
    return bool(changed)


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
    delete_export_files_after_commit(organization)
    organization.delete()


@dataclass(frozen=True)
class AccountDeletion:
    """What deleting a user's account does to each of their organisations."""

    #: Organisations they are the last owner of, with other members: the deletion is refused.
    blocked_by: list[Organization]
    #: Organisations they are the only member of: deleted with the account.
    deleted: list[Organization]
    #: Organisations they leave (the others stay).
    left: list[Organization]


def review_account_deletion(user) -> AccountDeletion:
    """What ``delete_account`` would do now, for the confirmation page."""
    blocked, deleted, left = [], [], []
    memberships = Membership.objects.filter(user=user).select_related("organization")
    for membership in memberships.order_by("organization__pk"):
        organization = membership.organization
        if organization.memberships.count() == 1:
            deleted.append(organization)
        elif membership.role == Role.OWNER and organization.memberships.owners().count() == 1:
            blocked.append(organization)
        else:
            left.append(organization)
    return AccountDeletion(blocked_by=blocked, deleted=deleted, left=left)


@transaction.atomic
def delete_account(*, user) -> AccountDeletion:
    """Delete ``user``'s account, by the rules of ``review_account_deletion``.

    Refused (``LastOwnerError``, nothing deleted) while they are the last owner of an organisation that
    has other members. Organisations they alone belong to are deleted with them (``delete_organization``:
    refused while a paid subscription runs). In every other one, their leaving is recorded in the audit
    log, which outlives the account (the event keeps their name; its ``actor`` is cleared), and the billed
    seats follow once committed. The organisations and their owners' rows are locked first, so a
    concurrent demotion, removal or acceptance cannot slip between the check and the deletion.
    """
    organizations = Organization.objects.select_for_update().filter(memberships__user=user).order_by("pk")
    for organization in organizations:
        _lock_owners(organization)
    review = review_account_deletion(user)
    if review.blocked_by:
        names = ", ".join(organization.name for organization in review.blocked_by)
        raise LastOwnerError(
            f"You are the last owner of {names}, which has other members: make one of them an owner "
            "(Members page), or delete the organisation, first. Nothing was deleted."
        )
    for organization in review.deleted:
        delete_organization(actor=user, actor_role=Role.OWNER, organization=organization)
    for organization in review.left:
        record(
            organization,
            AuditEvent.Action.ACCOUNT_DELETED,
            actor=user,
            summary=f"{user} left: account deleted",
        )
        sync_seats_after_commit(organization)
    logger.info("Account %s (id %s) deleted by its user", user.get_username(), user.pk)
    user.delete()
    return review
