"""The gateway webhook: only correctly signed payloads that fit an order mark it paid."""

import json

import pytest

from ..models import Order
from ..webhooks import sign

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-only"
URL = "/payments/webhook/"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.PAYMENT_WEBHOOK_SECRET = SECRET


@pytest.fixture
def order(filled_cart, place):
    return place()


def payload(order: Order, **changes) -> bytes:
    data = {"event": "payment.succeeded", "order": order.number, "amount": str(order.total)}
    data |= {"currency": "EUR", "reference": "pay_123"}
    data.update(changes)
    return json.dumps(data).encode()


def post(client, body: bytes, signature: str | None = None):
    headers = {"X-Signature": sign(body, SECRET) if signature is None else signature}
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_a_signed_payment_marks_the_order_paid_once(client, order):
    body = payload(order)
    response = post(client, body)
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payment_reference == "pay_123"
    assert post(client, body).json() == {"detail": "Already paid."}  # a redelivery is harmless


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=", "sha256=" + "0" * 64, sign(b"something else", SECRET), sign(b"{}", "wrong-secret")],
)
def test_a_tampered_or_unsigned_payload_changes_nothing(client, order, signature):
    assert post(client, payload(order), signature).status_code == 403
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


def test_a_payload_changed_after_signing_is_refused(client, order):
    signature = sign(payload(order, amount="0.01"), SECRET)
    assert post(client, payload(order), signature).status_code == 403
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b'{"event": "payment.succeeded"}', 400),
        (b'{"event": "payment.succeeded", "order": "1", "amount": "abc", "currency": "EUR"}', 400),
        (b'{"event": "payment.succeeded", "order": "999999", "amount": "1", "currency": "EUR"}', 404),
        (
            b'{"event": "payment.succeeded", "order": "9999999999999999999999",'
            b' "amount": "1", "currency": "EUR"}',
            404,
        ),
        (b'{"event": "payment.refunded", "order": "1", "amount": "1", "currency": "EUR"}', 200),
    ],
)
def test_bad_payloads_get_a_reason(client, order, body, status):
    assert post(client, body).status_code == status
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


@pytest.mark.parametrize("changes", [{"amount": "1.00"}, {"currency": "USD"}, {"amount": "1e999"}])
def test_a_payment_that_does_not_match_the_order_is_refused(client, order, changes):
    assert post(client, payload(order, **changes)).status_code == 409
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


def test_a_cancelled_order_cannot_be_paid(client, order):
    from ..lifecycle import transition

    transition(order, Order.Status.CANCELLED)
    response = post(client, payload(order))
    assert response.status_code == 409
    assert "cannot become paid" in response.json()["detail"]


def test_without_a_secret_every_webhook_is_refused(client, order, settings):
    settings.PAYMENT_WEBHOOK_SECRET = ""
    assert post(client, payload(order)).status_code == 503
    assert client.get(URL).status_code == 405
