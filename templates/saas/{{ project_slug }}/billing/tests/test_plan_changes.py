"""The pricing table and its actions: every move goes to the provider, and only its webhook changes the
plan; owners only; a downgrade the organisation's usage exceeds is refused with the reason."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from ...organizations.tests.factories import InvitationFactory, MembershipFactory, ProjectFactory
from ..models import Subscription
from ..services import apply_event
from ..webhooks import ProviderEvent

pytestmark = pytest.mark.django_db

CHECKOUT = "https://pay.example.com/link"
PORTAL = "https://pay.example.com/portal?locale=en"


@pytest.fixture
def billing(settings):
    settings.BILLING_CHECKOUT_URL = CHECKOUT
    settings.BILLING_PORTAL_URL = PORTAL


@pytest.fixture
def acme_reference(acme):
    Subscription.objects.filter(organization=acme).update(provider_reference="sub_123")


def _change(client, organization, plan, **kwargs):
    return client.post(reverse("billing:change", args=[organization.slug]), {"plan": plan}, **kwargs)


def _query(response) -> dict[str, str]:
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    return {"base": f"{parts.scheme}://{parts.netloc}{parts.path}"} | {
        key: values[0] for key, values in parse_qs(parts.query).items()
    }


def _plan(organization) -> tuple[str, str]:
    subscription = Subscription.objects.get(organization=organization)
    return subscription.plan, subscription.status


def _page(client, organization) -> str:
    response = client.get(reverse("billing:overview", args=[organization.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_pricing_table_shows_every_plan_price_and_limit_and_marks_the_current_one(
    client_as, acme, owner, billing
):
    page = _page(client_as(owner), acme)
    for text in ("Free", "€12", "€29", "per month", "3 seats", "10 seats", "25 seats", "100 projects"):
        assert text in page
    pro_card = page[page.index('id="plan-pro"') :]
    assert "Current plan" in pro_card and page.count("Current plan") == 1
    assert "Downgrade to Team" in page and "Cancel subscription" in page and "Upgrade" not in page


def test_upgrade_from_free_goes_to_the_checkout_and_only_the_webhook_changes_the_plan(
    client_as, globex, stranger, billing
):
    client = client_as(stranger)
    assert "Upgrade to Team" in _page(client, globex) and "Upgrade to Pro" in _page(client, globex)
    query = _query(_change(client, globex, "team"))
    assert query == {"base": CHECKOUT, "client_reference_id": "globex", "plan": "team"}
    assert _plan(globex) == ("free", "active")  # nothing changes until the provider confirms
    created = datetime(2030, 1, 1, tzinfo=UTC)
    event = ProviderEvent("evt_1", "subscription.updated", created, "globex", plan="team", status="active")
    apply_event(event)
    assert _plan(globex) == ("team", "active")
    page = _page(client, globex)
    assert "Current plan" in page[page.index('id="plan-team"') :]


@pytest.mark.parametrize(("plan", "label"), [("team", "downgrade"), ("free", "cancel")])
def test_a_paid_subscription_changes_or_cancels_in_the_providers_portal(
    client_as, acme, owner, billing, acme_reference, plan, label
):
    query = _query(_change(client_as(owner), acme, plan))
    expected = {"base": "https://pay.example.com/portal", "locale": "en", "client_reference_id": "acme"}
    expected["subscription"] = "sub_123"
    if label == "cancel":
        expected["flow"] = "subscription_cancel"
    else:
        expected |= {"flow": "subscription_update", "plan": "team"}
    assert query == expected
    assert _plan(acme) == ("pro", "active")


def test_an_upgrade_between_paid_plans_goes_to_the_portal(client_as, globex, stranger, billing):
    Subscription.objects.filter(organization=globex).update(plan="team")
    query = _query(_change(client_as(stranger), globex, "pro"))
    assert query["flow"] == "subscription_update" and query["plan"] == "pro"


def test_a_downgrade_the_seats_in_use_exceed_is_refused_with_the_reason(client_as, acme, owner, billing):
    MembershipFactory.create_batch(2, organization=acme)
    InvitationFactory(organization=acme)  # owner + 2 members + 1 invitation: 4 seats, Free has 3
    client = client_as(owner)
    response = _change(client, acme, "free", follow=True)
    assert response.redirect_chain == [(reverse("billing:overview", args=[acme.slug]), 302)]
    assert "4 seats (members and pending invitations) against its 3" in response.content.decode()
    assert _plan(acme) == ("pro", "active")
    page = _page(client, acme)
    assert "Cancel subscription" not in page and "Remove members" in page  # the reason instead of a button
    assert "Downgrade to Team" in page


def test_a_downgrade_the_projects_exceed_is_refused_with_the_reason(client_as, acme, owner, billing):
    ProjectFactory.create_batch(21, organization=acme)
    response = _change(client_as(owner), acme, "team", follow=True)
    assert "21 projects against its 20" in response.content.decode()
    assert _plan(acme) == ("pro", "active")


@pytest.mark.parametrize(
    ("plan", "reason"),
    [("pro", "already on the Pro plan"), ("gold", "Choose one of the plans listed"), ("", "Choose one")],
)
def test_a_move_to_the_current_or_an_unknown_plan_is_refused(client_as, acme, owner, billing, plan, reason):
    response = _change(client_as(owner), acme, plan, follow=True)
    assert response.status_code == 200 and reason in response.content.decode()


def test_without_the_provider_configured_nothing_is_offered_and_moves_are_refused(
    client_as, acme, owner, settings
):
    client = client_as(owner)
    page = _page(client, acme)
    assert "BILLING_CHECKOUT_URL" in page and "Cancel subscription" not in page
    assert "not configured" in _change(client, acme, "team", follow=True).content.decode()
    settings.BILLING_CHECKOUT_URL = CHECKOUT  # a checkout but no portal: a paid plan cannot change here
    assert "BILLING_PORTAL_URL" in _change(client, acme, "team", follow=True).content.decode()
    assert _plan(acme) == ("pro", "active")


@pytest.mark.parametrize("role", ["org_admin", "member"])
def test_only_owners_change_the_plan_others_see_the_table_read_only(request, client_as, acme, billing, role):
    client = client_as(request.getfixturevalue(role))
    page = _page(client, acme)
    assert "€12" in page and "Only an owner can change the plan" in page
    assert reverse("billing:change", args=[acme.slug]) not in page
    assert _change(client, acme, "team").status_code == 403
    assert _plan(acme) == ("pro", "active")


def test_the_portal_home_is_offered_only_while_a_paid_subscription_runs(
    client_as, acme, owner, globex, stranger, billing, acme_reference
):
    query = _query(client_as(owner).post(reverse("billing:manage", args=[acme.slug])))
    assert query == {"base": "https://pay.example.com/portal", "locale": "en", "client_reference_id": "acme",
                     "subscription": "sub_123"}  # fmt: skip
    client = client_as(stranger)
    assert "Payment method and invoices" not in _page(client, globex)
    refused = client.post(reverse("billing:manage", args=[globex.slug]), follow=True)
    assert "There is no paid subscription to manage" in refused.content.decode()


def test_past_its_grace_period_a_past_due_subscription_is_changed_in_the_portal_not_bought_again(
    client_as, acme, owner, billing, acme_reference
):
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    Subscription.objects.filter(organization=acme).update(status="past_due", past_due_since=long_ago)
    page = _page(client_as(owner), acme)
    assert "Current plan" in page[page.index('id="plan-free"') :]  # the free plan's limits apply
    query = _query(_change(client_as(owner), acme, "pro"))
    assert query["base"] == "https://pay.example.com/portal" and query["plan"] == "pro"
