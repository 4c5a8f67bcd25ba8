"""The one place that checks plan limits and feature flags."""

import functools
from dataclasses import dataclass

from django.db import connection

from ..invitations.models import Invitation, expiry_cutoff
from ..organizations.exceptions import PlanLimitReached
from ..projects.models import Project
from .plans import FREE, Feature, Plan


def plan_for(organization) -> Plan:
    subscription = getattr(organization, "subscription", None)
    return subscription.effective_plan if subscription is not None else FREE


@functools.cache
def _usage_sql(membership_model) -> str:
    """``SELECT`` the organisation's members, pending invitations and projects: three counts by the
    organisation's index, in one round trip. Parameters: the organisation three times, with the pending
    invitations' status and expiry cutoff after the second."""
    quote = connection.ops.quote_name

    def count(model, *conditions: tuple[str, str]) -> str:
        terms = [("organization", "="), *conditions]
        where = " AND ".join(f"{quote(model._meta.get_field(name).column)} {op} %s" for name, op in terms)
        # Names from the models' metadata, quoted; every value is a parameter.
        return f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)} WHERE {where})"  # noqa: S608

    pending = (("status", "="), ("sent_at", ">="))
    counts = [count(membership_model), count(Invitation, *pending), count(Project)]
    return "SELECT " + ", ".join(counts)


def usage(organization) -> dict[str, int | Plan]:
    """Seats (members plus pending invitations) and projects used, with the plan's limits: one query.

    Written in SQL, not as three correlated ``Subquery`` counts: the ORM spent about 1 ms building and
    compiling those, forty times what the query itself costs, on every organisation page that meters
    usage and every invitation. "Pending" is ``InvitationQuerySet.pending()``'s rule (its status, sent
    since ``expiry_cutoff()``); a test checks that both count the same invitations."""
    sent_at = Invitation._meta.get_field("sent_at")
    pk = organization.pk
    params = [
        pk,
        pk,
        Invitation.Status.PENDING,
        sent_at.get_db_prep_value(expiry_cutoff(), connection),
        pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_usage_sql(organization.memberships.model), params)
        members, pending, projects = cursor.fetchone()
    return {"plan": plan_for(organization), "seats": members + pending, "projects": projects}


@dataclass(frozen=True)
class Meter:
    """One limit of the plan and how much of it is used (the dashboard's usage meters)."""

    name: str
    used: int
    limit: int

    @property
    def nearly_full(self) -> int:
        """From here on the meter shows a warning: four fifths of the limit."""
        return max(1, self.limit * 4 // 5)

    @property
    def full(self) -> bool:
        return self.used >= self.limit


def meters(used: dict) -> list[Meter]:
    """Seats and projects against the plan's limits, from ``usage(organization)``."""
    plan = used["plan"]
    return [
        Meter(name="Seats", used=used["seats"], limit=plan.seats),
        Meter(name="Projects", used=used["projects"], limit=plan.projects),
    ]


def check_seat_available(organization) -> None:
    """Raise ``PlanLimitReached`` if one more member or invitation would exceed the plan's seats."""
    seats = usage(organization)["seats"]
    plan = plan_for(organization)
    if seats >= plan.seats:
        raise PlanLimitReached(
            f"The {plan.name} plan includes {plan.seats} seats (members and pending invitations), all in "
            "use. Upgrade, or revoke an invitation or remove a member first."
        )


def check_member_allowed(organization) -> None:
    """Raise ``PlanLimitReached`` if one more *member* would exceed the plan's seats.

    Checked when an invitation is accepted: the plan may have shrunk since it was sent (a Pro invitation
    accepted after a downgrade to Free). Pending invitations do not count here, since accepting turns one
    into a member. The caller holds a lock on the organisation row, so two acceptances cannot both take
    the last seat.
    """
    plan = plan_for(organization)
    if organization.memberships.count() >= plan.seats:
        raise PlanLimitReached(
            f"{organization.name} has no free seat: its {plan.name} plan includes {plan.seats} members, all "
            "taken. Your invitation stays open; ask an owner to upgrade or free a seat, then accept again."
        )


def check_project_allowed(organization) -> None:
    plan = plan_for(organization)
    if Project.unscoped.filter(organization=organization).count() >= plan.projects:
        raise PlanLimitReached(
            f"The {plan.name} plan includes {plan.projects} projects. Upgrade or delete a project first."
        )


def has_feature(organization, feature: Feature) -> bool:
    return feature in plan_for(organization).features


def require_feature(organization, feature: Feature, label: str) -> None:
    if not has_feature(organization, feature):
        raise PlanLimitReached(f"{label} are part of the Pro plan. Upgrade to use them.")
