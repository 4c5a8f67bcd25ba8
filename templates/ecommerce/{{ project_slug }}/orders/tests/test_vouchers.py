"""Vouchers at checkout: redeemed once per order within their limits, kept on the order (code and discount),
shown on the review step, the order page, the invoice and the confirmation email; a voucher that stopped
applying refuses the order with the reason. The race for the last use is in ``test_concurrency.py``."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from ...cart import vouchers
from ...cart.models import Cart, Voucher
from ...cart.services import add, summarize
from ...cart.tests.factories import VoucherFactory
from ..checkout import PricesChanged, SoldOut, VoucherRefused
from ..emails import send_order_confirmation
from ..lifecycle import transition
from ..models import Order
from ..quote import quote_of
from .conftest import ADDRESS
from .factories import UserFactory

pytestmark = pytest.mark.django_db

MINUS = "\N{MINUS SIGN}"


@pytest.fixture
def welcome(filled_cart):
    """WELCOME10 (10 % off, once per customer) applied to the customer's cart: 25.00 - 2.50 + 4.90."""
    voucher = VoucherFactory(code="WELCOME10")
    vouchers.apply(filled_cart, "WELCOME10", Decimal("25.00"), filled_cart.user)
    return voucher


def test_the_order_keeps_the_code_and_discount_and_counts_a_use(filled_cart, welcome, place):
    order = place(expected_total=Decimal("27.40"))
    assert (order.voucher, order.voucher_code, order.discount) == (welcome, "WELCOME10", Decimal("2.50"))
    assert order.subtotal - order.discount + order.shipping_price == order.total == Decimal("27.40")
    welcome.refresh_from_db()
    assert welcome.uses == 1
    filled_cart.refresh_from_db()
    assert filled_cart.voucher is None  # spent with the cart


def test_a_customer_cannot_use_a_once_per_customer_voucher_twice(
    filled_cart, variant, welcome, place, customer
):
    place(expected_total=Decimal("27.40"))
    add(filled_cart, variant, 2)
    with pytest.raises(vouchers.VoucherError, match="already used the voucher WELCOME10"):
        vouchers.apply(filled_cart, "WELCOME10", Decimal("25.00"), customer)
    Cart.objects.filter(pk=filled_cart.pk).update(voucher=welcome)  # applied in another tab before
    with pytest.raises(VoucherRefused, match="already used the voucher WELCOME10"):
        place(expected_total=Decimal("27.40"))
    assert Order.objects.count() == 1


def test_redeem_counts_the_customers_orders_under_their_lock(customer, welcome, filled_cart, place):
    """The rule checkout relies on, without the summary's earlier check: the count is taken at redemption."""
    place(expected_total=Decimal("27.40"))
    with pytest.raises(vouchers.VoucherError, match="already used"), transaction.atomic():
        vouchers.redeem(welcome, customer)
    vouchers.redeem(welcome, UserFactory())
    welcome.refresh_from_db()
    assert welcome.uses == 2


def test_redeem_never_counts_beyond_the_total_limit_or_outside_the_window(customer):
    used_up = VoucherFactory(max_uses=1, uses=1, max_uses_per_customer=None)
    with pytest.raises(vouchers.VoucherError, match="used up"):
        vouchers.redeem(used_up, customer)
    now = timezone.now()
    expired = VoucherFactory(ends_at=now - timedelta(minutes=1))
    with pytest.raises(vouchers.VoucherError, match="expired"):
        vouchers.redeem(expired, customer)
    later = VoucherFactory(starts_at=now + timedelta(minutes=1))
    with pytest.raises(vouchers.VoucherError, match="valid from"):
        vouchers.redeem(later, customer)
    off = VoucherFactory(is_active=False)
    with pytest.raises(vouchers.VoucherError, match="not valid any more"):
        vouchers.redeem(off, customer)
    assert list(Voucher.objects.order_by("pk").values_list("uses", flat=True)) == [1, 0, 0, 0]


def test_a_voucher_used_up_after_the_summary_refuses_the_order(filled_cart, welcome, place):
    welcome.max_uses, welcome.uses = 1, 1
    welcome.save()
    with pytest.raises(VoucherRefused, match=r"has been used up\. Please remove it from your cart"):
        place(expected_total=Decimal("27.40"))
    assert not Order.objects.exists()


def test_an_order_that_fails_later_gives_the_use_back(filled_cart, variant, welcome, place, monkeypatch):
    from ...catalogue import stock

    real_allocate = stock.allocate

    def allocate_after_someone_else(lines):
        type(variant).objects.filter(pk=variant.pk).update(allocated=5)
        return real_allocate(lines)

    monkeypatch.setattr(stock, "allocate", allocate_after_someone_else)
    with pytest.raises(SoldOut):
        place(expected_total=Decimal("27.40"))
    welcome.refresh_from_db()
    assert welcome.uses == 0


def test_a_discount_changed_since_the_summary_is_refused_with_what_changed(
    filled_cart, welcome, shipping, place
):
    seen = quote_of(summarize(filled_cart, shipping.price), shipping, filled_cart)
    Voucher.objects.filter(pk=welcome.pk).update(value=20)
    with pytest.raises(PricesChanged, match=r"the voucher takes €5\.00 off, not €2\.50"):
        place(quote=seen)
    assert not Order.objects.exists()


def test_free_shipping_above_the_threshold_is_kept_on_the_order(filled_cart, welcome, place, settings):
    settings.SHOP_FREE_SHIPPING_OVER = "22.50"  # the goods after the voucher
    order = place(expected_total=Decimal("22.50"))
    assert (order.shipping_price, order.total) == (Decimal("0.00"), Decimal("22.50"))


def test_the_database_keeps_the_discount_within_the_subtotal_and_with_a_code(filled_cart, welcome, place):
    order = place(expected_total=Decimal("27.40"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(discount=Decimal("25.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(voucher_code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(discount=Decimal("-1"))


def test_the_voucher_is_shown_at_checkout_on_the_order_invoice_and_email(
    client, customer, filled_cart, welcome, place
):
    client.force_login(customer)
    review = client.get("/checkout/").content.decode()
    assert "Voucher WELCOME10 (10 % off)" in review and f"{MINUS}€2.50" in review and "€27.40" in review
    order = place(expected_total=Decimal("27.40"))
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Voucher WELCOME10" in page and f"{MINUS}€2.50" in page
    send_order_confirmation(order.pk)
    assert f"Voucher WELCOME10: {MINUS}€2.50" in mail.outbox[-1].body
    transition(order, Order.Status.PAID)
    invoice = client.get(f"/orders/{order.pk}/invoice/").content.decode()
    assert "Voucher WELCOME10" in invoice and f"{MINUS}€2.50" in invoice


def test_checkout_refuses_a_voucher_that_expired_with_the_reason(
    client, customer, filled_cart, welcome, shipping
):
    client.force_login(customer)
    cart = Cart.objects.get(user=customer)
    data = {**ADDRESS, "shipping_method": shipping.pk, "payment_method": "bank_transfer",
            "checkout_token": str(uuid.uuid4()), "place": "1",
            "quote": quote_of(summarize(cart, shipping.price), shipping, cart).sign()}  # fmt: skip
    Voucher.objects.filter(pk=welcome.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    response = client.post("/checkout/", data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "The voucher WELCOME10 expired on" in page and "Remove it in your cart" in page
    assert not Order.objects.exists()
