"""The one place that checks plan limits and feature flags."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from ..invitations.models import Invitation
from ..organizations.exceptions import PlanLimitReached
from ..projects.models import Project
from .plans import FREE, Feature, Plan


def plan_for(organization) -> Plan:
    subscription = getattr(organization, "subscription", None)
    return subscription.effective_plan if subscription is not None else FREE


def _count(rows: QuerySet) -> Coalesce:
    """How many of ``rows`` belong to the organisation of the outer query (a correlated subquery)."""
    counted = rows.filter(organization=OuterRef("pk")).order_by().values("organization")
    counted = counted.annotate(n=Count("*"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def usage(organization) -> dict[str, int | Plan]:
    """Seats (members plus pending invitations) and projects used, with the plan's limits: one query."""
    counts = (
        type(organization)
        ._base_manager.filter(pk=organization.pk)
        .values(
            used_members=_count(organization.memberships.model.objects.all()),
            used_pending=_count(Invitation.unscoped.all().pending()),
            used_projects=_count(Project.unscoped.all()),
        )
        .get()
    )
    plan = plan_for(organization)
    seats = counts["used_members"] + counts["used_pending"]
    return {"plan": plan, "seats": seats, "projects": counts["used_projects"]}


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
