"""Refunds (``refunds.py``): never more than was paid, idempotent by key, the provider asked once per key,
the order refunded when the refunds reach its total, and the customer emailed."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import IntegrityError, transaction

from ...cart.models import Cart
from ...cart.services import add
from ..checkout import place_order
from ..lifecycle import TransitionNotAllowed, can_transition, transition
from ..models import Order, Refund
from ..payments import PROVIDERS, BankTransfer, RefundError
from ..refunds import RefundRefused, refund, refundable
from .conftest import ADDRESS, confirmed

pytestmark = pytest.mark.django_db


#: The module's one order (``order_once``), paid: its tests refund it, each in its own savepoint.
SHARED_ORDER_PATH = (Order.Status.PAID,)


@pytest.fixture
def paid(shared_order):
    """The order of 2 x Linen shirt (12.50) + 4.90 shipping = 29.90, paid by bank transfer (order_once)."""
    return shared_order


@pytest.fixture
def variant(shared_order):
    """The paid order's variant (5 in stock, 2 of them allocated to it), for the tests' other orders too."""
    return shared_order.lines.get().variant


def test_offline_providers_record_a_manual_refund(paid):
    assert BankTransfer().refund(paid, Decimal("1.00"), idempotency_key="k1") == "manual-k1"
    assert PROVIDERS["cash_on_delivery"].refund(paid, Decimal("1.00"), idempotency_key="k2") == "manual-k2"


def test_a_partial_then_a_full_refund_refunds_the_order(paid, variant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = refund(paid, Decimal("10.00"), reason="Scratched", idempotency_key="a")
    assert (first.status, first.reference) == (Refund.Status.SUCCEEDED, "manual-a")
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_total) == ("paid", Decimal("10.00"))
    assert refundable(paid) == Decimal("19.90")
    with django_capture_on_commit_callbacks(execute=True):
        refund(paid, "19.90", reason="Cancelled", idempotency_key="b")
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_total) == (Order.Status.REFUNDED, Decimal("29.90"))
    assert paid.refunded_at is not None
    variant.refresh_from_db()
    assert variant.allocated == 0  # refunded before shipping: its units are back on sale
    subjects = [message.subject for message in mail.outbox]
    assert subjects.count(f"Order {paid.number}: refund") == 2
    assert f"Order {paid.number}: refunded" in subjects
    assert "we refunded €10.00" in mail.outbox[0].body and "send the money back" in mail.outbox[0].body


def test_refunds_never_exceed_what_was_paid(paid):
    refund(paid, Decimal("20.00"), reason="Part", idempotency_key="a")
    with pytest.raises(RefundRefused, match=r"At most 9\.90"):
        refund(paid, Decimal("10.00"), reason="Too much", idempotency_key="b")
    paid.refresh_from_db()
    assert paid.refunded_total == Decimal("20.00")
    assert Refund.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it as well
        Order.objects.filter(pk=paid.pk).update(refunded_total=Decimal("29.91"))


def test_an_unpaid_order_has_nothing_to_refund(filled_cart, place):
    order = place()
    with pytest.raises(RefundRefused, match="not been paid"):
        refund(order, Decimal("1.00"), reason="No", idempotency_key="a")
    assert not Refund.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-1", "1.234", "abc", "NaN", "Infinity", None])
def test_amounts_that_are_not_refunds_are_refused(paid, amount):
    with pytest.raises(RefundRefused):
        refund(paid, amount, reason="Bad", idempotency_key="a")
    assert not Refund.objects.exists()


def test_the_same_key_gives_the_same_refund_once(paid, monkeypatch):
    calls = []
    original = BankTransfer.refund

    def counted(self, *args, **kwargs):
        calls.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(BankTransfer, "refund", counted)
    first = refund(paid, Decimal("5.00"), reason="Once", idempotency_key="same")
    again = refund(paid, Decimal("5.00"), reason="Once", idempotency_key="same")
    assert again.pk == first.pk and len(calls) == 1
    paid.refresh_from_db()
    assert paid.refunded_total == Decimal("5.00")
    with pytest.raises(RefundRefused, match="another refund"):
        refund(paid, Decimal("6.00"), reason="Other", idempotency_key="same")


def test_a_refusing_provider_records_the_failure_and_frees_the_amount(paid, monkeypatch):
    def refuse(self, order, amount, *, idempotency_key):
        raise RefundError("The account is closed.")

    monkeypatch.setattr(BankTransfer, "refund", refuse)
    with pytest.raises(RefundError, match="account is closed"):
        refund(paid, Decimal("29.90"), reason="All", idempotency_key="x")
    failed = Refund.objects.get()
    assert (failed.status, failed.failure) == (Refund.Status.FAILED, "The account is closed.")
    paid.refresh_from_db()
    assert (paid.refunded_total, paid.status) == (Decimal("0.00"), Order.Status.PAID)
    with pytest.raises(RefundError, match="account is closed"):  # the same key: the same answer
        refund(paid, Decimal("29.90"), reason="All", idempotency_key="x")
    monkeypatch.undo()
    assert refund(paid, Decimal("29.90"), reason="All", idempotency_key="y").status == Refund.Status.SUCCEEDED


def test_a_provider_out_of_reach_leaves_the_refund_pending_until_retried(paid, monkeypatch):
    def unreachable(self, order, amount, *, idempotency_key):
        raise ConnectionError("timed out")

    monkeypatch.setattr(BankTransfer, "refund", unreachable)
    with pytest.raises(ConnectionError):
        refund(paid, Decimal("29.90"), reason="All", idempotency_key="p")
    paid.refresh_from_db()
    assert paid.refunded_total == Decimal("29.90")  # held: no second refund can take it meanwhile
    with pytest.raises(RefundRefused):
        refund(paid, Decimal("1.00"), reason="More", idempotency_key="q")
    monkeypatch.undo()
    done = refund(paid, Decimal("29.90"), reason="All", idempotency_key="p")
    assert done.status == Refund.Status.SUCCEEDED
    paid.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED


def test_refunded_is_reached_only_through_refunds_and_leads_nowhere(paid):
    assert not can_transition(paid, Order.Status.REFUNDED)
    with pytest.raises(TransitionNotAllowed):
        transition(paid, Order.Status.REFUNDED)
    refund(paid, paid.total, reason="All", idempotency_key="a")
    paid.refresh_from_db()
    for target in (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.CANCELLED):
        assert not can_transition(paid, target)


def test_a_cancelled_paid_order_refunded_in_full_becomes_refunded(paid):
    transition(paid, Order.Status.CANCELLED)
    refund(paid, paid.total, reason="Cancelled after payment", idempotency_key="c")
    paid.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED


def test_a_guests_refund_email_carries_their_link(
    variant, shipping, django_capture_on_commit_callbacks
):  # fmt: skip

    cart = Cart.objects.create()
    add(cart, variant, 1)
    order = place_order(
        user=None, cart=cart, checkout_token="6d3c8a3e-4a7e-4e47-8e43-1f0c1b0c7a10",
        address={**ADDRESS, "email": "guest@example.com"}, shipping_method=shipping,
        payment_method="bank_transfer", quote=confirmed(cart, Decimal("17.40")),
    ).order  # fmt: skip
    transition(order, Order.Status.PAID)
    with django_capture_on_commit_callbacks(execute=True):
        refund(order, Decimal("2.00"), reason="Goodwill", idempotency_key="g")
    assert mail.outbox[-1].to == ["guest@example.com"]
    assert "/orders/guest/" in mail.outbox[-1].body


def test_staff_refund_part_of_an_order_in_the_admin(admin_client, paid):
    url = f"/admin/orders/order/{paid.pk}/refund/"
    page = admin_client.get(url)
    assert page.status_code == 200 and b"29.90" in page.content
    key = page.context["form"].initial["idempotency_key"]
    data = {"amount": "4.90", "reason": "Late delivery", "idempotency_key": key}
    assert admin_client.post(url, data).status_code == 302
    assert admin_client.post(url, data).status_code == 302  # the same form again: the same refund
    assert Refund.objects.get().amount == Decimal("4.90")
    too_much = admin_client.post(url, {**data, "amount": "25.01", "idempotency_key": "other"})
    assert too_much.status_code == 400 and b"At most 25.00" in too_much.content
    assert admin_client.post(url, {**data, "amount": "-1"}).status_code == 400
    assert admin_client.get(f"/admin/orders/order/{paid.pk}/change/").status_code == 200


def test_staff_refund_whole_orders_with_an_action(admin_client, paid, filled_cart, place):
    unpaid = place()
    response = admin_client.post(
        "/admin/orders/order/",
        {"action": "refund_in_full", "_selected_action": [paid.pk, unpaid.pk]},
        follow=True,
    )
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert f"Order {paid.number}: refunded 29.90 EUR." in notes
    assert any("nothing left to refund" in note for note in notes)
    paid.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED
