from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ...audit.models import AuditEvent
from ...audit.services import record
from ...billing.models import Subscription
from ...organizations.models import Membership, Organization
from ...organizations.permissions import Role
from ...organizations.tests.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from ...projects.models import Project
from ...users.models import User
from ...users.tests.factories import UserFactory
from .. import dashboard


def month_start(month) -> datetime:
    return timezone.make_aware(datetime(month.year, month.month, 1, 12))


def organization(slug, plan, status="active", *, created=None, members=1, **subscription):
    org = OrganizationFactory(slug=slug, name=slug.title(), plan=plan)
    Subscription.objects.filter(organization=org).update(status=status, **subscription)
    if created is not None:
        Organization.objects.filter(pk=org.pk).update(created_at=created)
    for _ in range(members):
        MembershipFactory(organization=org)
    return org


@pytest.fixture
def months():
    return dashboard.last_months(timezone.localdate())


@pytest.fixture
def billing(db, months):
    """Seven organisations, each in a state the numbers must tell apart."""
    now = timezone.now()
    old = month_start(months[0]) - timedelta(days=40)  # before the twelve months
    return {
        "pro": organization("pro", "pro", created=old, members=3),
        "team": organization("team", "team", created=month_start(months[-3]), members=2),
        "late": organization("late", "team", "past_due", past_due_since=now - timedelta(days=1)),
        "lapsed": organization("lapsed", "pro", "past_due", past_due_since=now - timedelta(days=30)),
        "trial": organization("trial", "team", "trialing", trial_ends_at=now + timedelta(days=5)),
        "ended": organization("ended", "team", "trialing", trial_ends_at=now - timedelta(days=1)),
        "gone": organization("gone", "pro", "cancelled"),
    }


def test_last_months_are_twelve_first_days_oldest_first():
    months = dashboard.last_months(datetime(2030, 2, 17).date())

    assert len(months) == 12
    assert months[0] == datetime(2029, 3, 1).date()
    assert months[-1] == datetime(2030, 2, 1).date()


def test_organisations_per_plan_follow_the_plan_whose_limits_apply(billing):
    rows = {row.name: (row.organizations, row.trials) for row in dashboard.organizations_per_plan()}

    # Free: the ended trial, the past-due one beyond its grace period, the cancelled one.
    assert rows == {"Free": (3, 0), "Team": (3, 1), "Pro": (1, 0)}
    applies = [
        org.subscription.effective_plan.name for org in Organization.objects.select_related("subscription")
    ]
    assert {name: applies.count(name) for name in rows} == {name: count for name, (count, _) in rows.items()}


def test_an_organisation_without_a_subscription_counts_as_free(db):
    Organization.objects.create(name="Bare", slug="bare")

    free = dashboard.organizations_per_plan()[0]

    assert (free.name, free.organizations) == ("Free", 1)


def test_mrr_counts_paying_subscriptions_by_the_month_of_their_organisation(billing, months):
    revenue = dashboard.monthly_recurring_revenue(months)

    # Paying: pro (29, created before the window), team (12, three months ago), late (12, past due within
    # the grace period, this month). Not: lapsed (beyond grace), trials, cancelled.
    assert revenue.current == 29 + 12 + 12
    assert revenue.paying == 3
    values = [row.value for row in revenue.months]
    assert values[:-3] == [29] * 9
    assert values[-3:] == [41, 41, 53]
    assert revenue.months[-1].percent == 100
    assert revenue.months[0].percent == 55  # 29 of 53, in steps of 5


def test_mrr_with_per_seat_prices_multiplies_by_the_members(billing, months, settings):
    settings.STRIPE_PER_SEAT = True

    revenue = dashboard.monthly_recurring_revenue(months)

    assert revenue.current == 29 * 3 + 12 * 2 + 12 * 1
    assert revenue.per_seat


def test_signups_per_month(db, months):
    UserFactory.create_batch(2)
    for joined in (
        month_start(months[-3]),
        month_start(months[-3]),
        month_start(months[0]) - timedelta(days=2),
    ):
        User.objects.filter(pk=UserFactory().pk).update(date_joined=joined)
    OrganizationFactory()

    users = dashboard.user_signups(months)
    organizations = dashboard.organization_signups(months)

    assert [row.month for row in users] == months
    assert [row.value for row in users] == [0] * 9 + [2, 0, 2]  # the one before the window is not counted
    assert [row.value for row in organizations] == [0] * 11 + [1]


def test_active_organisations_are_those_with_recent_activity(db, acme, globex):
    quiet = OrganizationFactory(slug="quiet")
    record(acme, AuditEvent.Action.SETTINGS_CHANGED, summary="Renamed")
    ProjectFactory(organization=globex)
    record(quiet, AuditEvent.Action.IMPERSONATION_STARTED, summary="Staff only")

    assert dashboard.active_organizations() == 2
    # Thirty-one days on, nothing is recent any more.
    assert dashboard.active_organizations(timezone.now() + timedelta(days=dashboard.ACTIVE_DAYS + 1)) == 0


def test_the_dashboard_shows_the_numbers(client, billing):
    staff = UserFactory(username="sam", is_staff=True)
    client.force_login(staff)

    response = client.get(reverse("support:dashboard"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="stat-value" data-stat="mrr">€53</p>' in page
    assert '<p class="stat-value" data-stat="active">' in page
    assert 'class="bar bar-w-100"' in page
    assert '<h2 id="signups-heading">Signups per month</h2>' in page
    assert response.context["total_organizations"] == 7


def test_the_dashboard_runs_the_same_queries_at_10_and_100_organisations(client, db):
    client.force_login(UserFactory(username="sam", is_staff=True))

    def queries_with(total):
        # As organization() makes them (a subscription, two members), with a project and an audit event
        # each, but in a few inserts: the dashboard's queries are what is measured, not the set-up.
        indexes = range(Organization.objects.count(), total)
        orgs = Organization.objects.bulk_create(Organization(slug=f"org{i}", name=f"Org{i}") for i in indexes)
        Subscription.objects.bulk_create(
            Subscription(organization=org, plan=("free", "team", "pro")[i % 3], status="active")
            for i, org in zip(indexes, orgs, strict=True)
        )
        users = User.objects.bulk_create(UserFactory.build_batch(2 * len(orgs)))
        Membership.objects.bulk_create(
            Membership(organization=org, user=user, role=Role.MEMBER)
            for org, user in zip([org for org in orgs for _ in range(2)], users, strict=True)
        )
        Project.unscoped.bulk_create(ProjectFactory.build(organization=org) for org in orgs)
        for org in orgs:
            record(org, AuditEvent.Action.SETTINGS_CHANGED)
        assert Organization.objects.count() == total
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("support:dashboard")).status_code == 200
        return len(queries)

    at_10 = queries_with(10)
    at_100 = queries_with(100)

    assert at_10 == at_100
    assert at_10 <= 12


def test_the_dashboard_is_for_staff_only(client, member):
    assert client.get(reverse("support:dashboard")).status_code == 302
    client.force_login(member)
    assert client.get(reverse("support:dashboard")).status_code == 404
