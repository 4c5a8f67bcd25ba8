"""Stripe Billing, offline: events shaped and signed as Stripe sends them, and the library's HTTP client
replaced by a recorder (no test reaches the network).

The signature is built here from Stripe's documented scheme, not with the library: the header
``Stripe-Signature: t=<unix time>,v1=<hex of HMAC-SHA256(secret, "<t>.<raw body>")>``.
"""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

import pytest
import stripe
from django.urls import reverse
from django.utils import timezone

from ...organizations.tests.factories import MembershipFactory
from ..entitlements import plan_for
from ..models import Subscription, WebhookEvent
from ..plans import FREE, TEAM
from ..stripe_billing import StripeBilling

pytestmark = pytest.mark.django_db

#: STRIPE_WEBHOOK_SECRET and STRIPE_PRICES of the test settings.
SECRET = "whsec_test"
PRICES = {"team": "price_team", "pro": "price_pro"}
T0 = int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())


def sign_stripe(payload: str, secret: str = SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _deliver(client, event: dict, signature: str | None = None, **sign):
    payload = json.dumps(event)
    return client.post(
        reverse("billing:stripe_webhook"),
        payload,
        content_type="application/json",
        headers={"Stripe-Signature": signature if signature is not None else sign_stripe(payload, **sign)},
    )


def _event(event_type: str, obj: dict, event_id: str = "evt_1", created: int = T0) -> dict:
    return {"id": event_id, "object": "event", "api_version": "2025-03-31.basil", "created": created,
            "type": event_type, "livemode": False, "data": {"object": obj}}  # fmt: skip


def _subscription_object(organization, status="active", price="price_team", period_end=T0 + 30 * 86400):
    return {
        "id": "sub_1", "object": "subscription", "customer": "cus_1", "status": status,
        "metadata": {"organization_id": str(organization.pk)}, "cancel_at_period_end": False,
        "items": {"object": "list", "data": [{
            "id": "si_1", "object": "subscription_item", "quantity": 1, "current_period_end": period_end,
            "price": {"id": price, "object": "price"},
        }]},
    }  # fmt: skip


def _checkout_object(organization):
    return {"id": "cs_1", "object": "checkout.session", "mode": "subscription", "status": "complete",
            "client_reference_id": str(organization.pk), "customer": "cus_1", "subscription": "sub_1",
            "metadata": {"organization_id": str(organization.pk)}}  # fmt: skip


def _state(organization) -> tuple[str, str]:
    subscription = Subscription.objects.get(organization=organization)
    return subscription.plan, subscription.status


def test_a_checkout_and_its_subscription_events_move_the_plan_in_any_arrival_order(client, globex):
    # Stripe may deliver the checkout after the subscription's first event, with a later time: the
    # checkout only links the ids, so the subscription event is not taken for an older one.
    linked = _deliver(client, _event("checkout.session.completed", _checkout_object(globex), "evt_c", T0 + 5))
    assert linked.json() == {"status": "applied", "plan": "free", "subscription_status": "active"}
    created = _deliver(client, _event("customer.subscription.created", _subscription_object(globex)))
    assert created.json() == {"status": "applied", "plan": "team", "subscription_status": "active"}
    subscription = Subscription.objects.get(organization=globex)
    assert (subscription.provider_reference, subscription.provider_customer) == ("sub_1", "cus_1")
    assert subscription.current_period_end == datetime(2030, 1, 31, tzinfo=UTC)
    assert subscription.last_event_at == datetime(2030, 1, 1, tzinfo=UTC)
    globex.subscription.refresh_from_db()
    assert plan_for(globex) == TEAM


def test_a_subscription_with_a_trial_starts_from_the_free_plan(client, globex):
    trial = _subscription_object(globex, status="trialing", price="price_pro")
    answer = _deliver(client, _event("customer.subscription.created", trial))
    assert answer.json() == {"status": "applied", "plan": "pro", "subscription_status": "trialing"}


def test_events_out_of_order_and_duplicated_never_move_the_subscription_back(client, globex):
    pro, cancelled = _subscription_object(globex, price="price_pro"), _subscription_object(globex, "canceled")
    created = _event("customer.subscription.created", _subscription_object(globex), "evt_1", T0 + 10)
    upgraded = _event("customer.subscription.updated", pro, "evt_2", T0 + 20)
    deleted = _event("customer.subscription.deleted", cancelled, "evt_3", T0 + 30)
    assert _deliver(client, deleted).json()["subscription_status"] == "cancelled"
    assert _deliver(client, upgraded).json()["status"] == "ignored: older than the last event applied"
    assert _deliver(client, created).json()["status"] == "ignored: older than the last event applied"
    assert _deliver(client, deleted).json() == {"status": "already processed"}
    assert _state(globex) == ("free", "cancelled")
    assert WebhookEvent.objects.count() == 3


def test_a_redelivered_event_is_applied_once(client, globex):
    event = _event("customer.subscription.created", _subscription_object(globex))
    assert _deliver(client, event).json()["status"] == "applied"
    later = _event("customer.subscription.updated", _subscription_object(globex, "canceled"), "evt_2", T0 + 1)
    _deliver(client, later)
    assert _deliver(client, event).json() == {"status": "already processed"}
    assert _state(globex) == ("team", "cancelled")


def test_unknown_types_and_incomplete_subscriptions_are_acknowledged_and_change_nothing(client, globex):
    unknown = _deliver(client, _event("invoice.finalized", {"id": "in_1", "object": "invoice"}))
    assert unknown.status_code == 200 and unknown.json() == {"status": "ignored: unknown event type"}
    incomplete = _subscription_object(globex, status="incomplete", price="price_pro")
    answer = _deliver(client, _event("customer.subscription.created", incomplete, "evt_2"))
    assert answer.json() == {"status": "ignored: the subscription is incomplete"}
    assert _state(globex) == ("free", "active")
    assert Subscription.objects.get(organization=globex).last_event_at is None


def test_a_failed_payment_is_past_due_and_the_plan_drops_to_free_after_the_grace_period(client, globex):
    now = int(time.time())
    _deliver(
        client,
        _event("customer.subscription.created", _subscription_object(globex), created=now - 10 * 86400),
    )
    # The invoice in the shape before Stripe's 2025-03-31 API: the organisation by the subscription id.
    invoice = {"id": "in_1", "object": "invoice", "customer": "cus_1", "subscription": "sub_1"}
    failed = _deliver(client, _event("invoice.payment_failed", invoice, "evt_2", now - 8 * 86400))
    assert failed.json()["subscription_status"] == "past_due"
    subscription = Subscription.objects.get(organization=globex)
    assert subscription.past_due_since == datetime.fromtimestamp(now - 8 * 86400, tz=UTC)
    assert subscription.effective_plan == FREE  # 8 days past due, 7 days of grace
    # A retry's failure a day later does not restart the grace period.
    invoice_new_api = {"id": "in_2", "object": "invoice", "customer": "cus_1", "parent": {
        "type": "subscription_details", "subscription_details": {
            "subscription": "sub_1", "metadata": {"organization_id": str(globex.pk)}}}}  # fmt: skip
    _deliver(client, _event("invoice.payment_failed", invoice_new_api, "evt_3", now - 7 * 86400))
    subscription.refresh_from_db()
    assert subscription.past_due_since == datetime.fromtimestamp(now - 8 * 86400, tz=UTC)
    assert subscription.effective_plan == FREE
    paid = _deliver(
        client, _event("customer.subscription.updated", _subscription_object(globex), "evt_4", now)
    )
    assert paid.json()["subscription_status"] == "active"
    subscription.refresh_from_db()
    assert subscription.past_due_since is None and subscription.effective_plan == TEAM


def test_a_past_due_subscription_keeps_its_plan_during_the_grace_period(client_as, acme, owner, settings):
    since = timezone.now() - timedelta(days=6)
    Subscription.objects.filter(organization=acme).update(status="past_due", past_due_since=since)
    page = client_as(owner).get(reverse("billing:overview", args=["acme"])).content.decode()
    assert "The last payment failed" in page and "of 25 seats" in page  # Pro's limits, for one more day
    settings.BILLING_GRACE_DAYS = 5
    page = client_as(owner).get(reverse("billing:overview", args=["acme"])).content.decode()
    assert "of 3 seats" in page  # Free's


@pytest.mark.parametrize(
    ("sign", "reason"),
    [
        ({"secret": "whsec_wrong"}, "No signatures found matching"),
        ({"timestamp": int(time.time()) - 301}, "Timestamp outside the tolerance zone"),  # a replay
        ({"signature": ""}, "No Stripe-Signature header"),
        ({"signature": "t=oops,v1=abc"}, "Unable to extract timestamp"),
        ({"signature": "sha256=abc"}, "Unable to extract timestamp"),
        ({"signature": f"t={int(time.time())},v1=\u00e9"}, "not ASCII"),
    ],
)
def test_a_bad_or_stale_signature_is_400_with_the_reason_and_changes_nothing(client, globex, sign, reason):
    response = _deliver(client, _event("customer.subscription.created", _subscription_object(globex)), **sign)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Invalid signature") and reason in response.json()["detail"]
    assert _state(globex) == ("free", "active")
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"price": "price_gold"}, "No price of the subscription (price_gold)"),
        ({"status": "dormant"}, "'status' must be one of"),
        ({"status": "canceled"}, "cannot set the status 'canceled'"),
        ({"items": "all"}, "'items' must be an object"),
        ({"metadata": {}, "id": "sub_unknown", "customer": "cus_unknown"}, "Unknown organisation"),
    ],
)
def test_a_malformed_event_is_400_with_the_reason(client, globex, obj, reason):
    subscription = _subscription_object(globex)
    if "price" in obj:
        subscription["items"]["data"][0]["price"]["id"] = obj.pop("price")
    response = _deliver(client, _event("customer.subscription.created", subscription | obj))
    assert response.status_code == 400 and reason in response.json()["detail"]
    assert _state(globex) == ("free", "active")
    assert not WebhookEvent.objects.filter(outcome="applied").exists()


def test_stripe_webhooks_are_off_without_a_secret(client, globex, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert _deliver(client, _event("invoice.finalized", {})).status_code == 503


class RecordingHTTPClient(stripe.HTTPClient):
    """The library's HTTP client, answering from ``responses`` by (method, path) and recording requests."""

    name = "recording"

    def __init__(self, responses: dict) -> None:
        super().__init__()
        self.responses = responses
        self.requests: list[dict] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = url.removeprefix("https://api.stripe.com")
        self.requests.append(
            {
                "method": method,
                "path": path,
                "key": headers.get("Idempotency-Key"),
                "params": dict(parse_qsl(post_data or "")),
            }
        )
        status, body = self.responses[(method, path)]
        return json.dumps(body), status, {}

    def close(self) -> None:
        pass


CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_1"
PORTAL_URL = "https://billing.stripe.com/p/session/test_1"


@pytest.fixture
def stripe_api(settings, monkeypatch):
    settings.BILLING_PROVIDER = f"{StripeBilling.__module__}.StripeBilling"
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.SITE_URL = "https://app.example.com"
    item = {"id": "si_123", "object": "subscription_item"}
    fake = RecordingHTTPClient({
        ("post", "/v1/checkout/sessions"): (200, {"id": "cs_1", "url": CHECKOUT_URL}),
        ("post", "/v1/billing_portal/sessions"): (200, {"id": "bps_1", "url": PORTAL_URL}),
        ("get", "/v1/subscriptions/sub_123"): (200, {"id": "sub_123", "items": {"data": [item]}}),
    })  # fmt: skip
    monkeypatch.setattr(StripeBilling, "http_client", fake)
    return fake


@pytest.fixture
def acme_linked(acme):
    Subscription.objects.filter(organization=acme).update(
        provider_reference="sub_123", provider_customer="cus_123"
    )


def _change(client, organization, plan):
    return client.post(reverse("billing:change", args=[organization.slug]), {"plan": plan})


def test_an_upgrade_creates_a_checkout_session_once_per_double_click(client_as, globex, stranger, stripe_api):
    client = client_as(stranger)
    first, second = _change(client, globex, "team"), _change(client, globex, "team")
    assert (
        first.status_code == 302 and first["Location"] == CHECKOUT_URL and second["Location"] == CHECKOUT_URL
    )
    request = stripe_api.requests[0]
    assert request["params"] == {
        "mode": "subscription",
        "line_items[0][price]": "price_team",
        "line_items[0][quantity]": "1",
        "client_reference_id": str(globex.pk),
        "metadata[organization_id]": str(globex.pk),
        "subscription_data[metadata][organization_id]": str(globex.pk),
        "success_url": "https://app.example.com/o/globex/billing/?checkout=success",
        "cancel_url": "https://app.example.com/o/globex/billing/",
    }
    assert request["key"] and stripe_api.requests[1]["key"] == request["key"]  # Stripe answers it once
    assert _state(globex) == ("free", "active")  # only the webhook changes the plan


def test_per_seat_prices_bill_every_member_and_a_returning_customer_is_reused(
    client_as, globex, stranger, stripe_api, settings
):
    settings.STRIPE_PER_SEAT = True
    MembershipFactory.create_batch(2, organization=globex)
    Subscription.objects.filter(organization=globex).update(status="cancelled", provider_customer="cus_9")
    _change(client_as(stranger), globex, "pro")
    params = stripe_api.requests[0]["params"]
    assert (params["line_items[0][price]"], params["line_items[0][quantity]"]) == ("price_pro", "3")
    assert params["customer"] == "cus_9"


def test_a_plan_change_confirms_the_new_price_in_the_customer_portal(
    client_as, acme, owner, stripe_api, acme_linked
):
    response = _change(client_as(owner), acme, "team")
    assert response["Location"] == PORTAL_URL
    retrieve, portal = stripe_api.requests
    assert (retrieve["method"], retrieve["path"]) == ("get", "/v1/subscriptions/sub_123")
    assert portal["params"] == {
        "customer": "cus_123",
        "return_url": "https://app.example.com/o/acme/billing/",
        "flow_data[type]": "subscription_update_confirm",
        "flow_data[subscription_update_confirm][subscription]": "sub_123",
        "flow_data[subscription_update_confirm][items][0][id]": "si_123",
        "flow_data[subscription_update_confirm][items][0][price]": "price_team",
        "flow_data[subscription_update_confirm][items][0][quantity]": "1",
        "flow_data[after_completion][type]": "redirect",
        "flow_data[after_completion][redirect][return_url]": "https://app.example.com/o/acme/billing/",
    }
    assert portal["key"]
    assert _state(acme) == ("pro", "active")


def test_a_cancellation_goes_to_the_portals_cancel_flow(client_as, acme, owner, stripe_api, acme_linked):
    assert _change(client_as(owner), acme, "free")["Location"] == PORTAL_URL
    (portal,) = stripe_api.requests
    assert portal["params"]["flow_data[type]"] == "subscription_cancel"
    assert portal["params"]["flow_data[subscription_cancel][subscription]"] == "sub_123"
    assert portal["params"]["customer"] == "cus_123" and portal["key"]


def test_stripe_errors_and_an_unlinked_subscription_are_messages_not_errors(
    client_as, acme, owner, globex, stranger, stripe_api
):
    client = client_as(owner)
    unlinked = client.post(reverse("billing:change", args=["acme"]), {"plan": "team"}, follow=True)
    assert "Stripe has not confirmed this subscription yet" in unlinked.content.decode()
    stripe_api.responses[("post", "/v1/checkout/sessions")] = (
        400, {"error": {"type": "invalid_request_error", "message": "No such price: 'price_team'"}}
    )  # fmt: skip
    refused = client_as(stranger).post(
        reverse("billing:change", args=["globex"]), {"plan": "team"}, follow=True
    )
    assert refused.status_code == 200
    assert "Stripe refused the request: No such price" in refused.content.decode()


def test_without_a_secret_key_stripe_billing_is_off(client_as, acme, owner, stripe_api, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = client_as(owner).post(reverse("billing:change", args=["acme"]), {"plan": "team"}, follow=True)
    assert "STRIPE_SECRET_KEY" in response.content.decode()
    assert not stripe_api.requests


def test_the_portal_home_manages_the_payment_method_and_invoices(
    client_as, acme, owner, stripe_api, acme_linked
):
    client = client_as(owner)
    assert (
        "Payment method and invoices"
        in client.get(reverse("billing:overview", args=["acme"])).content.decode()
    )
    assert client.post(reverse("billing:manage", args=["acme"]))["Location"] == PORTAL_URL
    (portal,) = stripe_api.requests
    assert portal["params"] == {
        "customer": "cus_123",
        "return_url": "https://app.example.com/o/acme/billing/",
    }
    assert portal["key"]
