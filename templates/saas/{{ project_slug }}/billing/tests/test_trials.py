"""The trial a new organisation gets (BILLING_TRIAL_DAYS of BILLING_TRIAL_PLAN): the plan's limits apply
until its end date, then the free plan's unless the provider has started a subscription; computed from
the date, so no job has to run."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone

from ...organizations import services as organizations
from ...organizations.exceptions import PlanLimitReached
from ...organizations.models import Organization
from ...organizations.permissions import Role
from ...organizations.tests.factories import MembershipFactory
from ...users.tests.factories import UserFactory
from ..entitlements import check_seat_available, plan_for
from ..models import Subscription
from ..plans import FREE, PRO, TEAM
from ..services import apply_event
from ..webhooks import parse_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def trying():
    """A new organisation on its trial, with its owner and three more members (over Free's three seats)."""
    owner = UserFactory(username="tess")
    organization = organizations.create_organization(name="Trying", owner=owner)
    MembershipFactory.create_batch(3, organization=organization)
    return organization


def _end_trial(organization) -> Organization:
    """The organisation, read again once its trial has ended."""
    Subscription.objects.filter(organization=organization).update(
        trial_ends_at=timezone.now() - timedelta(seconds=1)
    )
    return Organization.objects.get(pk=organization.pk)


def test_a_new_organisation_tries_the_trial_plan_with_its_limits(trying):
    subscription = trying.subscription
    assert (subscription.plan, subscription.status) == ("team", Subscription.Status.TRIALING)
    assert timedelta(days=13, hours=23) < subscription.trial_ends_at - timezone.now() <= timedelta(days=14)
    assert subscription.trial_days_left == 14
    assert plan_for(trying) == TEAM
    check_seat_available(trying)  # four members: over Free's seats, within Team's


def test_after_the_end_date_the_free_plans_limits_apply_without_any_job(trying):
    ended = _end_trial(trying)
    assert plan_for(ended) == FREE and ended.subscription.trial_days_left == 0
    with pytest.raises(PlanLimitReached):
        check_seat_available(ended)


def test_a_subscription_started_during_the_trial_keeps_its_plan_after_the_end_date(trying):
    event = (
        '{"id": "evt_1", "type": "subscription.created", "created": "2030-01-01T00:00:00Z", '
        f'"organization": "{trying.slug}", "plan": "pro", "status": "active"}}'
    )
    apply_event(parse_event(event.encode()))
    subscription = Subscription.objects.get(organization=trying)
    assert subscription.trial_ends_at is None and not subscription.on_trial
    assert plan_for(_end_trial(trying)) == PRO  # the provider runs the subscription now


def test_trial_days_and_plan_come_from_the_settings(settings):
    owner = UserFactory()
    settings.BILLING_TRIAL_PLAN = "pro"
    settings.BILLING_TRIAL_DAYS = 30
    tried = organizations.create_organization(name="Pro trial", owner=owner).subscription
    assert (tried.plan, tried.trial_days_left) == ("pro", 30)
    settings.BILLING_TRIAL_DAYS = 0
    free = organizations.create_organization(name="No trial", owner=owner).subscription
    assert (free.plan, free.status, free.trial_ends_at) == ("free", Subscription.Status.ACTIVE, None)


@pytest.mark.parametrize(
    ("days", "plan", "message"),
    [
        (-1, "team", "BILLING_TRIAL_DAYS must be 0"),
        (14, "free", "name a paid plan"),
        (14, "gold", "paid plan"),
    ],
)
def test_bad_trial_settings_fail_the_system_check(settings, days, plan, message):
    settings.BILLING_TRIAL_DAYS, settings.BILLING_TRIAL_PLAN = days, plan
    with pytest.raises(SystemCheckError, match=message):
        call_command("check")


def test_the_billing_page_and_the_dashboard_show_the_days_left(client_as, trying, settings):
    settings.BILLING_CHECKOUT_URL = "https://pay.example.com/checkout"
    client = client_as(trying.memberships.get(role=Role.OWNER).user)
    billing = client.get(reverse("billing:overview", args=[trying.slug])).content.decode()
    assert "Trial: 14 days left" in billing and "Subscribe to Team" in billing
    dashboard = client.get(reverse("organizations:dashboard", args=[trying.slug])).content.decode()
    assert "Trial: 14 days left" in dashboard
    _end_trial(trying)
    ended = client.get(reverse("billing:overview", args=[trying.slug])).content.decode()
    assert "days left" not in ended and "ended on" in ended and "Subscribe to Team" not in ended


def test_subscribing_during_the_trial_starts_at_the_checkout(client_as, trying, settings):
    settings.BILLING_CHECKOUT_URL = "https://pay.example.com/checkout"
    client = client_as(trying.memberships.get(role=Role.OWNER).user)
    response = client.post(reverse("billing:change", args=[trying.slug]), {"plan": "team"})
    assert response["Location"].startswith("https://pay.example.com/checkout?")
    nothing = client.post(reverse("billing:change", args=[trying.slug]), {"plan": "free"}, follow=True)
    assert "trial ends by itself" in nothing.content.decode().replace("&#x27;", "'")


def test_an_organisation_on_trial_can_be_deleted(trying):
    owner = trying.memberships.get(role=Role.OWNER).user
    organizations.delete_organization(actor=owner, actor_role=Role.OWNER, organization=trying)
    assert not Subscription.objects.filter(organization_id=trying.pk).exists()
