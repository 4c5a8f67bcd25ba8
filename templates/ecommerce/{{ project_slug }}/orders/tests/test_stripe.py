"""Card payments with Stripe, offline: the library's HTTP client replaced by a recorder (no test reaches the
network), and webhook events shaped and signed as Stripe sends them.

The signature is built here from Stripe's documented scheme, not with the library: the header
``Stripe-Signature: t=<unix time>,v1=<hex of HMAC-SHA256(secret, "<t>.<raw body>")>``.
"""

import hashlib
import hmac
import json
import time
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
import stripe
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import IntegrityError, transaction

from ...cart.models import Cart
from ...cart.services import add
from ..lifecycle import transition
from ..models import GatewayEvent, Order
from ..payments import PROVIDERS, enabled_providers, provider_for
from ..stripe_payments import RefundError, StripeCheckout, minor_units
from .test_views import checkout_data

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_only"
URL = "/orders/stripe/webhook/"
SESSIONS = "/v1/checkout/sessions"
PAYMENT_URL = "https://checkout.stripe.com/c/pay/cs_test_1"


def use_stripe(settings) -> None:
    settings.SHOP_PAYMENT_METHODS = ["bank_transfer", "cash_on_delivery", "stripe"]
    settings.SHOP_STRIPE_SECRET_KEY = "sk_test_only"
    settings.SHOP_STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture(autouse=True)
def _stripe_settings(settings):
    use_stripe(settings)


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


@pytest.fixture
def stripe_http(monkeypatch):
    fake = RecordingHTTPClient({})
    monkeypatch.setattr(StripeCheckout, "http_client", fake)
    return fake


def session_object(session_id="cs_test_1", status="open", url=PAYMENT_URL) -> dict:
    return {"id": session_id, "object": "checkout.session", "status": status, "url": url}


#: The payment of the module's one order (``order_once``).
SHARED_ORDER_PAYMENT = "stripe"


@pytest.fixture
def order(request, order_once):
    """The customer's order of 2 x 12.50 + 4.90 shipping = 29.90 EUR, to be paid by Stripe: placed once for
    the module (``order_once``), or by the test itself when it places more orders (it asks for ``place``)."""
    if "place" in request.fixturenames:
        request.getfixturevalue("filled_cart")
        return request.getfixturevalue("place")(payment_method="stripe")
    return request.getfixturevalue("shared_order")


def sign_stripe(payload: str, secret: str = SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_type: str, obj: dict, event_id: str = "evt_1") -> dict:
    return {"id": event_id, "object": "event", "api_version": "2025-03-31.basil", "created": int(time.time()),
            "type": event_type, "livemode": False, "data": {"object": obj}}  # fmt: skip


def session_event(order, event_type="checkout.session.completed", event_id="evt_1", **changes) -> dict:
    session = {"id": "cs_test_1", "object": "checkout.session", "mode": "payment", "status": "complete",
               "payment_status": "paid", "amount_total": 2990, "currency": "eur", "payment_intent": "pi_1",
               "client_reference_id": order.number, "metadata": {"order_number": order.number}}  # fmt: skip
    session.update(changes)
    return event(event_type, session, event_id)


def charge_event(amount_refunded: int, event_id="evt_r1", **changes) -> dict:
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "amount": 2990, "currency": "eur",
              "amount_refunded": amount_refunded, "refunded": amount_refunded == 2990}  # fmt: skip
    charge.update(changes)
    return event("charge.refunded", charge, event_id)


def deliver(client, payload: dict | str, signature: str | None = None, **sign):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    headers = {} if signature == "" else {"Stripe-Signature": signature or sign_stripe(body, **sign)}
    return client.post(URL, body, content_type="application/json", headers=headers)


def status_of(order) -> str:
    return Order.objects.get(pk=order.pk).status


# --- Offered by settings -------------------------------------------------------------------------------


def test_stripe_is_offered_only_when_listed(settings):
    assert "stripe" in [provider.code for provider in enabled_providers()]
    settings.SHOP_PAYMENT_METHODS = ["bank_transfer", "cash_on_delivery"]  # the generated default
    assert [provider.code for provider in enabled_providers()] == ["bank_transfer", "cash_on_delivery"]


def test_the_system_check_refuses_stripe_without_its_keys(settings):
    settings.SHOP_STRIPE_SECRET_KEY = ""
    settings.SHOP_STRIPE_WEBHOOK_SECRET = ""
    with pytest.raises(SystemCheckError) as refused:
        call_command("check")
    assert "shop.E010" in str(refused.value) and "shop.E011" in str(refused.value)
    settings.SHOP_STRIPE_SECRET_KEY = "sk_test_only"
    with pytest.raises(SystemCheckError, match=r"shop\.E011"):
        call_command("check")
    settings.SHOP_STRIPE_WEBHOOK_SECRET = SECRET
    call_command("check")  # configured: no error
    settings.SHOP_STRIPE_SECRET_KEY = settings.SHOP_STRIPE_WEBHOOK_SECRET = ""
    settings.SHOP_PAYMENT_METHODS = ["bank_transfer"]
    call_command("check")  # not offered: the keys are not needed


# --- Starting a payment: a Checkout Session ------------------------------------------------------------


def test_start_creates_one_checkout_session_with_a_key_derived_from_the_order(order, stripe_http):
    stripe_http.responses[("post", SESSIONS)] = (200, session_object())
    payment = provider_for(order).start(order)
    assert payment.redirect_url == PAYMENT_URL
    [request] = stripe_http.requests
    assert request["key"] == StripeCheckout.idempotency_key(order) and len(request["key"]) == 64
    params = request["params"]
    assert params["mode"] == "payment"
    assert params["metadata[order_number]"] == params["client_reference_id"] == order.number
    assert params["payment_intent_data[metadata][order_number]"] == order.number
    assert params["customer_email"] == "ada@example.com"
    domain = Site.objects.get_current().domain
    assert params["success_url"] == params["cancel_url"] == f"https://{domain}/orders/{order.pk}/"
    # Each line in the order's currency and minor units, then the shipping: together the order's total.
    assert params["line_items[0][price_data][currency]"] == "eur"
    assert params["line_items[0][price_data][unit_amount]"] == "1250"
    assert params["line_items[0][quantity]"] == "2"
    assert params["line_items[1][price_data][unit_amount]"] == "490"
    assert params["line_items[1][price_data][product_data][name]"] == "Shipping: Standard"
    assert "line_items[2][quantity]" not in params
    assert Order.objects.get(pk=order.pk).stripe_session_id == "cs_test_1"

    # The order page asks again: the open session is reused, none is created.
    stripe_http.responses[("get", f"{SESSIONS}/cs_test_1")] = (200, session_object())
    again = provider_for(order).start(Order.objects.get(pk=order.pk))
    assert again.redirect_url == PAYMENT_URL
    assert [request["method"] for request in stripe_http.requests] == ["post", "get"]


def test_the_key_is_stable_for_the_order_and_differs_between_orders(order, place, customer, variant):
    assert StripeCheckout.idempotency_key(order) == StripeCheckout.idempotency_key(
        Order.objects.get(pk=order.pk)
    )
    add(Cart.objects.get(user=customer), variant, 1)
    other = place(expected_total=Decimal("17.40"), payment_method="stripe")
    assert StripeCheckout.idempotency_key(other) != StripeCheckout.idempotency_key(order)
    assert StripeCheckout.idempotency_key(order, "cs_old") != StripeCheckout.idempotency_key(order)


def test_an_expired_session_is_replaced_and_a_paid_one_is_not(order, stripe_http):
    Order.objects.filter(pk=order.pk).update(stripe_session_id="cs_old")
    order.refresh_from_db()
    stripe_http.responses[("get", f"{SESSIONS}/cs_old")] = (200, session_object("cs_old", status="expired"))
    stripe_http.responses[("post", SESSIONS)] = (200, session_object("cs_new", url=PAYMENT_URL + "_new"))
    assert provider_for(order).start(order).redirect_url == PAYMENT_URL + "_new"
    assert stripe_http.requests[-1]["key"] == StripeCheckout.idempotency_key(order, "cs_old")
    assert Order.objects.get(pk=order.pk).stripe_session_id == "cs_new"

    stripe_http.responses[("get", f"{SESSIONS}/cs_new")] = (200, session_object("cs_new", status="complete"))
    payment = provider_for(order).start(Order.objects.get(pk=order.pk))
    assert payment.redirect_url == "" and "being confirmed" in payment.instructions
    assert [request["method"] for request in stripe_http.requests] == ["get", "post", "get"]


def test_a_discounted_order_is_one_line_of_its_total(order, stripe_http):
    # Stripe's line items cannot be negative: the voucher's discount makes the order one line of its total.
    Order.objects.filter(pk=order.pk).update(discount=Decimal("10.00"), voucher_code="TENOFF", total="19.90")
    order.refresh_from_db()
    stripe_http.responses[("post", SESSIONS)] = (200, session_object())
    provider_for(order).start(order)
    params = stripe_http.requests[0]["params"]
    assert params["line_items[0][price_data][unit_amount]"] == "1990"
    assert params["line_items[0][price_data][product_data][name]"] == f"Order {order.number}"
    assert "line_items[1][quantity]" not in params


def test_stripe_refusing_the_session_is_told_and_changes_nothing(order, stripe_http):
    error = {"error": {"type": "invalid_request_error", "message": "Your account cannot accept payments."}}
    stripe_http.responses[("post", SESSIONS)] = (400, error)
    payment = provider_for(order).start(order)
    assert payment.redirect_url == ""
    assert "Your account cannot accept payments." in payment.instructions
    assert Order.objects.get(pk=order.pk).stripe_session_id == ""


def test_placing_an_order_sends_the_customer_to_stripe_after_the_commit(
    client, customer, filled_cart, shipping, stripe_http
):
    stripe_http.responses[("post", SESSIONS)] = (200, session_object())
    client.force_login(customer)
    response = client.post("/checkout/", checkout_data(shipping, payment_method="stripe"))
    assert response.status_code == 302 and response.url == PAYMENT_URL
    order = Order.objects.get(user=customer)
    assert order.status == Order.Status.PENDING_PAYMENT  # only the signed webhook marks it paid
    assert order.stripe_session_id == "cs_test_1"
    # The order page offers the open session while the order waits.
    stripe_http.responses[("get", f"{SESSIONS}/cs_test_1")] = (200, session_object())
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'href="{PAYMENT_URL}"' in page and "Pay by card" in page


def test_amounts_in_minor_units_follow_the_currency():
    assert minor_units(Decimal("29.90"), "EUR") == 2990
    assert minor_units(Decimal("1200"), "JPY") == 1200
    assert minor_units(Decimal("1.5"), "KWD") == 1500
    with pytest.raises(ValueError, match="JPY"):
        minor_units(Decimal("12.50"), "JPY")


# --- Refunds -------------------------------------------------------------------------------------------


def test_refund_sends_the_amount_in_minor_units_with_the_callers_key(order, stripe_http):
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent="pi_1")
    order.refresh_from_db()
    stripe_http.responses[("post", "/v1/refunds")] = (200, {"id": "re_1", "object": "refund", "amount": 500})
    reference = provider_for(order).refund(order, Decimal("5.00"), idempotency_key="refund-42")
    assert reference == "re_1"
    [request] = stripe_http.requests
    assert request["key"] == "refund-42"
    assert request["params"] == {
        "payment_intent": "pi_1",
        "amount": "500",
        "metadata[order_number]": order.number,
    }


def test_a_refund_stripe_refuses_or_cannot_make_raises_refund_error(order, stripe_http):
    provider = provider_for(order)
    with pytest.raises(RefundError, match="no Stripe payment"):
        provider.refund(order, Decimal("5.00"), idempotency_key="k1")
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent="pi_1")
    order.refresh_from_db()
    with pytest.raises(RefundError, match="more than zero"):
        provider.refund(order, Decimal("0.00"), idempotency_key="k2")
    error = {"error": {"type": "invalid_request_error", "message": "The refund is greater than the charge."}}
    stripe_http.responses[("post", "/v1/refunds")] = (400, error)
    with pytest.raises(RefundError, match="greater than the charge"):
        provider.refund(order, Decimal("29.90"), idempotency_key="k3")
    assert len(stripe_http.requests) == 1  # nothing was sent for the first two


# --- The webhook ---------------------------------------------------------------------------------------


def test_a_paid_checkout_marks_the_order_paid_once(client, order):
    response = deliver(client, session_event(order))
    assert response.status_code == 200, response.content
    assert response.json() == {"detail": f"Order {order.number} is paid."}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.invoice_number
    assert order.stripe_payment_intent == order.payment_reference == "pi_1"
    assert deliver(client, session_event(order)).json() == {"detail": "Already processed."}
    assert GatewayEvent.objects.filter(event_id="evt_1", order=order).count() == 1


@pytest.mark.parametrize(
    "signed",
    [
        lambda body: "",  # no header at all
        lambda body: f"t={int(time.time())},v1=" + "0" * 64,
        lambda body: sign_stripe("{}"),  # another body's signature
        lambda body: sign_stripe(body, secret="whsec_other"),  # another secret's
        lambda body: sign_stripe(body).split(",")[1],  # no timestamp
        lambda body: sign_stripe(body).replace("v1=", "v0="),  # no v1 scheme
        lambda body: "t=1,v1=é",
    ],
)
def test_a_missing_or_bad_signature_is_refused_with_the_reason(client, order, signed):
    body = json.dumps(session_event(order))
    response = deliver(client, body, signed(body))
    assert response.status_code == 400
    assert "signature" in response.json()["detail"].lower()
    assert status_of(order) == Order.Status.PENDING_PAYMENT


def test_a_replayed_delivery_older_than_five_minutes_is_refused(client, order):
    response = deliver(client, session_event(order), timestamp=int(time.time()) - 301)
    assert response.status_code == 400 and "timestamp" in response.json()["detail"].lower()
    assert status_of(order) == Order.Status.PENDING_PAYMENT


def test_without_a_webhook_secret_every_event_is_refused(client, order, settings):
    settings.SHOP_STRIPE_WEBHOOK_SECRET = ""
    response = deliver(client, session_event(order), secret="")
    assert response.status_code == 503 and "SHOP_STRIPE_WEBHOOK_SECRET" in response.json()["detail"]
    assert status_of(order) == Order.Status.PENDING_PAYMENT


def test_a_delayed_payment_pays_the_order_when_it_succeeds_and_not_when_it_fails(
    client, order, place, customer, variant
):
    waiting = deliver(client, session_event(order, payment_status="unpaid"))
    assert waiting.status_code == 200 and "waits" in waiting.json()["detail"]
    assert status_of(order) == Order.Status.PENDING_PAYMENT
    assert Order.objects.get(pk=order.pk).stripe_payment_intent == "pi_1"
    paid = deliver(client, session_event(order, "checkout.session.async_payment_succeeded", "evt_2"))
    assert paid.json() == {"detail": f"Order {order.number} is paid."}

    add(Cart.objects.get(user=customer), variant, 1)
    other = place(expected_total=Decimal("17.40"), payment_method="stripe")
    failed = session_event(other, "checkout.session.async_payment_failed", "evt_3", payment_status="unpaid",
                           payment_intent="pi_2", amount_total=1740)  # fmt: skip
    assert deliver(client, failed).status_code == 200
    assert status_of(other) == Order.Status.PENDING_PAYMENT


def test_events_out_of_order_never_move_an_order_backwards(client, order):
    # The delayed payment's success arrives before the checkout's completion (still "unpaid" then).
    succeeded = session_event(order, "checkout.session.async_payment_succeeded", "evt_2")
    assert deliver(client, succeeded).status_code == 200
    late = deliver(client, session_event(order, payment_status="unpaid", event_id="evt_1"))
    assert late.status_code == 200
    expired = deliver(client, session_event(order, "checkout.session.expired", "evt_3", status="expired",
                                            payment_status="unpaid", payment_intent=None))  # fmt: skip
    assert expired.status_code == 200
    assert status_of(order) == Order.Status.PAID
    transition(order, Order.Status.SHIPPED)
    again = deliver(client, session_event(order, event_id="evt_4"))
    assert again.json() == {"detail": "Already paid."}
    assert status_of(order) == Order.Status.SHIPPED


def test_a_payment_for_a_cancelled_order_is_refused_and_logged(client, order, caplog):
    transition(order, Order.Status.CANCELLED)
    response = deliver(client, session_event(order))
    assert response.status_code == 409 and "pi_1" in response.json()["detail"]
    assert status_of(order) == Order.Status.CANCELLED
    assert "cannot be paid" in caplog.text
    assert not GatewayEvent.objects.exists()  # Stripe retries; staff see it in the log and in Stripe


@pytest.mark.parametrize("changes", [{"amount_total": 2989}, {"currency": "usd"}, {"amount_total": 299000}])
def test_an_amount_or_currency_that_is_not_the_orders_is_refused_and_logged(client, order, caplog, changes):
    response = deliver(client, session_event(order, **changes))
    assert response.status_code == 409 and "does not match" in response.json()["detail"]
    assert status_of(order) == Order.Status.PENDING_PAYMENT
    assert f"does not match order {order.number}" in caplog.text


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ("not json", 400),
        ("[1, 2]", 400),
        ('"evt"', 400),
        (json.dumps({"id": 1, "type": "checkout.session.completed"}), 400),
        (json.dumps({"id": "evt_1", "type": ["checkout.session.completed"]}), 400),
        (json.dumps(event("checkout.session.completed", [])), 400),
        (json.dumps({"id": "evt_1", "type": "checkout.session.completed", "data": "x"}), 400),
    ],
)
def test_a_mistyped_event_is_refused_with_the_reason(client, order, payload, status):
    response = deliver(client, payload)
    assert response.status_code == status and response.json()["detail"]
    assert status_of(order) == Order.Status.PENDING_PAYMENT


@pytest.mark.parametrize(
    "changes",
    [{"amount_total": "2990"}, {"amount_total": True}, {"payment_status": None}, {"payment_intent": 5},
     {"currency": None}, {"metadata": "000001"}],
)  # fmt: skip
def test_a_session_with_mistyped_fields_is_refused_and_changes_nothing(client, order, changes):
    response = deliver(client, session_event(order, **changes))
    assert response.status_code == 400, response.content
    assert status_of(order) == Order.Status.PENDING_PAYMENT
    assert not GatewayEvent.objects.exists()


def test_a_session_of_no_order_of_this_shop_is_a_404(client, order, place):
    unknown = session_event(order, metadata={"order_number": "999999"}, client_reference_id=None)
    assert deliver(client, unknown).status_code == 404
    Order.objects.filter(pk=order.pk).update(payment_method="bank_transfer")  # not paid by Stripe
    assert deliver(client, session_event(order)).status_code == 404
    assert status_of(order) == Order.Status.PENDING_PAYMENT


def test_other_event_types_are_acknowledged_and_ignored(client, order):
    response = deliver(client, event("payment_intent.succeeded", {"id": "pi_1", "amount": 2990}))
    assert response.status_code == 200 and "Ignored" in response.json()["detail"]
    assert status_of(order) == Order.Status.PENDING_PAYMENT and not GatewayEvent.objects.exists()


def test_refunds_keep_the_running_total_once_and_never_lower_it(client, order):
    assert deliver(client, charge_event(500)).status_code == 404  # not paid yet: Stripe retries later
    deliver(client, session_event(order))
    response = deliver(client, charge_event(500))
    assert response.json() == {"detail": f"Order {order.number}: 5.00 EUR refunded."}
    assert deliver(client, charge_event(500)).json() == {"detail": "Already processed."}
    # A refund the shop made through refund() is in Stripe's running total: recorded as that total.
    deliver(client, charge_event(1500, "evt_r2"))
    older = deliver(client, charge_event(300, "evt_r0"))  # an earlier event arriving late
    assert older.json() == {"detail": "Refund already recorded."}
    order.refresh_from_db()
    assert order.stripe_refunded == Decimal("15.00")
    assert order.status == Order.Status.PAID  # a refund records money, it moves no status


def test_every_stripe_write_renews_my_orders_at_once(client, own_page, filled_cart, place, stripe_http):
    """The session's id, the payment intent of a session still waiting, the payment and a refund: each is
    an ``update()`` of the order (``cart/own_pages.py``); the customer's kept "My orders" is made again."""
    order = place(payment_method="stripe")
    own_page.renewed()
    stripe_http.responses[("post", SESSIONS)] = (200, session_object())
    provider_for(order).start(order)
    own_page.renewed()
    waiting = session_event(order, event_id="evt_0", payment_status="unpaid")
    assert deliver(client, waiting).status_code == 200
    own_page.renewed()
    assert deliver(client, session_event(order)).status_code == 200
    assert "Paid" in own_page.renewed()
    assert deliver(client, charge_event(500)).status_code == 200
    own_page.renewed()
    assert Order.objects.get(pk=order.pk).stripe_refunded == Decimal("5.00")


@pytest.mark.parametrize("changes", [{"amount_refunded": 2991}, {"currency": "usd"}])
def test_a_refund_that_does_not_fit_the_order_is_refused(client, order, caplog, changes):
    deliver(client, session_event(order))
    response = deliver(client, charge_event(**{"amount_refunded": 500, **changes}))
    assert response.status_code == 409 and "nothing was recorded" in response.json()["detail"]
    assert Order.objects.get(pk=order.pk).stripe_refunded == 0
    assert "refunded of order" in caplog.text


def test_the_database_refuses_a_refund_over_the_total_and_one_payment_for_two_orders(
    order, place, customer, variant
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(stripe_refunded=Decimal("29.91"))
    add(Cart.objects.get(user=customer), variant, 1)
    other = place(expected_total=Decimal("17.40"), payment_method="stripe")
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent="pi_1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=other.pk).update(stripe_payment_intent="pi_1")


def test_the_stripe_provider_is_registered():
    assert isinstance(PROVIDERS["stripe"], StripeCheckout)
