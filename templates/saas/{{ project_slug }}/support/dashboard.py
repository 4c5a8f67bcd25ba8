"""The staff dashboard's numbers. Each is one aggregate query (grouped by month with ``TruncMonth``, or by
plan), whatever the number of users and organisations: the dashboard costs the same at 10 organisations
and at 100,000.

Definitions:

- **signups**: users who joined, and organisations created, per calendar month (the current time zone),
  over the last ``MONTHS`` months;
- **active organisation**: one with something done in it in the last ``ACTIVE_DAYS`` days: an audit log
  event (members, invitations, settings, plan, webhooks… but not a staff member's impersonation) or a
  project created or changed;
- **organisations per plan**: the plan whose limits apply now, as ``Subscription.effective_plan`` decides
  (a trial that ended, or a past-due subscription past its grace period, counts as Free; no subscription
  row counts as Free); running trials are counted apart;
- **MRR** (monthly recurring revenue): the sum of the monthly prices (``billing/plans.py``; times the
  member count with per-seat prices, ``STRIPE_PER_SEAT``) of the subscriptions paying now: active, or past
  due within the grace period (``BILLING_GRACE_DAYS``); trials do not pay yet. The project keeps no
  history of subscriptions, so the monthly series shows how today's paying subscriptions built up, each
  counted from the month its organisation was created: a cancelled subscription leaves it entirely (the
  provider's reports have the revenue as it was billed).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..audit.models import AuditEvent
from ..billing.models import Subscription
from ..billing.plans import FREE, PLANS
from ..organizations.models import Organization
from ..projects.models import Project

MONTHS = 12
ACTIVE_DAYS = 30
#: Staff actions, not the organisation's own activity.
NOT_ACTIVITY = (AuditEvent.Action.IMPERSONATION_STARTED, AuditEvent.Action.IMPERSONATION_ENDED)


@dataclass(frozen=True)
class MonthRow:
    month: date
    value: int
    #: The bar's length against the largest value of the series (``_percent``).
    percent: int


@dataclass(frozen=True)
class PlanRow:
    name: str
    organizations: int
    trials: int
    percent: int


def last_months(today: date, count: int = MONTHS) -> list[date]:
    """The first day of each of the last ``count`` months, the oldest first, ``today``'s month last."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _percent(value: int, largest: int) -> int:
    """0 to 100 in steps of 5: a bar's length, as a class (``bar-w-55``, css/saas.css; no inline style)."""
    return 5 * round(20 * value / largest) if largest > 0 else 0


def _series(months: list[date], values: dict[date, int]) -> list[MonthRow]:
    counts = [values.get(month, 0) for month in months]
    largest = max(counts)
    return [
        MonthRow(month, count, _percent(count, largest)) for month, count in zip(months, counts, strict=True)
    ]


def _window_start(months: list[date]) -> datetime:
    first = months[0]
    return timezone.make_aware(datetime(first.year, first.month, 1))


def _per_month(queryset, field: str, months: list[date]) -> list[MonthRow]:
    """One query: ``queryset``'s rows counted by the month of ``field``, within ``months``."""
    rows = (
        queryset.filter(**{f"{field}__gte": _window_start(months)})
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return _series(months, {_as_date(row["month"]): row["count"] for row in rows})


def user_signups(months: list[date]) -> list[MonthRow]:
    return _per_month(get_user_model()._default_manager.all(), "date_joined", months)


def organization_signups(months: list[date]) -> list[MonthRow]:
    return _per_month(Organization.objects.all(), "created_at", months)


def active_organizations(now: datetime | None = None) -> int:
    """Organisations with an audit event (not a staff one) or a project change in the last ``ACTIVE_DAYS``
    days: one query."""
    since = (now or timezone.now()) - timedelta(days=ACTIVE_DAYS)
    events = AuditEvent.unscoped.filter(organization=OuterRef("pk"), created_at__gte=since).exclude(
        action__in=NOT_ACTIVITY
    )
    projects = Project.unscoped.filter(organization=OuterRef("pk"), updated_at__gte=since)
    return Organization.objects.filter(Exists(events) | Exists(projects)).count()


def _paid_plan_applies(now: datetime, prefix: str = "") -> Q:
    """The subscriptions (``prefix``: the path to one) whose paid plan's limits apply now, as
    ``Subscription.effective_plan`` decides, in SQL: trialing, active or past due; not a trial given at
    creation that has ended; not past due beyond the grace period."""
    grace_cutoff = now - timedelta(days=settings.BILLING_GRACE_DAYS)
    status, trial_ends_at, past_due_since = (
        f"{prefix}{name}" for name in ("status", "trial_ends_at", "past_due_since")
    )
    return (
        Q(**{f"{status}__in": Subscription.PAID_STATUSES})
        & ~Q(**{status: Subscription.Status.TRIALING, f"{trial_ends_at}__lte": now})
        & ~Q(**{status: Subscription.Status.PAST_DUE, f"{past_due_since}__lte": grace_cutoff})
    )


def organizations_per_plan(now: datetime | None = None) -> list[PlanRow]:
    """Every organisation counted under the plan whose limits apply now, running trials apart: one query."""
    now = now or timezone.now()
    applies = _paid_plan_applies(now, "subscription__")
    rows = (
        Organization.objects.annotate(
            plan_code=Case(
                When(applies, then=F("subscription__plan")),
                default=Value(FREE.code),
                output_field=CharField(),
            ),
            trial=Case(
                When(
                    applies
                    & Q(
                        subscription__status=Subscription.Status.TRIALING, subscription__trial_ends_at__gt=now
                    ),
                    then=Value("yes"),
                ),
                default=Value("no"),
                output_field=CharField(),
            ),
        )
        .values("plan_code", "trial")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {code: [0, 0] for code in PLANS}
    for row in rows:
        counts[row["plan_code"]][row["trial"] == "yes"] += row["count"]
    largest = max(sum(pair) for pair in counts.values())
    return [
        PlanRow(plan.name, sum(counts[code]), counts[code][1], _percent(sum(counts[code]), largest))
        for code, plan in PLANS.items()
    ]


@dataclass(frozen=True)
class Revenue:
    #: Per month, oldest first: the MRR of today's paying subscriptions created by the end of that month.
    months: list[MonthRow]
    current: int
    paying: int
    per_seat: bool


def monthly_recurring_revenue(months: list[date], now: datetime | None = None) -> Revenue:
    """The MRR of the subscriptions paying now, in whole units of the plans' currency, and how it built up
    by the month their organisations were created: one query (grouped by month and plan, with the
    subscriptions and their members counted in the database)."""
    now = now or timezone.now()
    per_seat = settings.STRIPE_PER_SEAT
    paying = _paid_plan_applies(now) & ~Q(status=Subscription.Status.TRIALING) & ~Q(plan=FREE.code)
    rows = (
        Subscription.objects.filter(paying, plan__in=list(PLANS))
        .annotate(month=TruncMonth("organization__created_at"))
        .values("month", "plan")
        .annotate(subscriptions=Count("pk", distinct=True), seats=Count("organization__memberships"))
        .order_by()
    )
    added: dict[date, int] = {}
    subscriptions = 0
    for row in rows:
        quantity = row["seats"] if per_seat else row["subscriptions"]
        month = _as_date(row["month"])
        added[month] = added.get(month, 0) + PLANS[row["plan"]].monthly_price * quantity
        subscriptions += row["subscriptions"]
    running = sum(amount for month, amount in added.items() if month < months[0])
    cumulative = {}
    for month in months:
        running += added.get(month, 0)
        cumulative[month] = running
    current = sum(added.values())
    return Revenue(_series(months, cumulative), current, subscriptions, per_seat)
