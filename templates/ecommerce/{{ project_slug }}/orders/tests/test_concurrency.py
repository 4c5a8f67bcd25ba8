"""Concurrent checkouts, on a real PostgreSQL database: for the last units of one variant, of one cart
from several tabs, of one checkout form submitted several times at once, and for the last use of a
voucher; concurrent payments, which take invoice numbers; and concurrent refunds and return requests
(moved here from ``test_refunds.py`` and ``test_returns.py``, whose tests share one order in a transaction
that a ``transaction=True`` test cannot run inside).

Each thread has its own database connection (see ``core.tests.concurrency``) and places its order at the
same moment. Skipped on SQLite, which serialises writers anyway: run them with ``DATABASE_URL=postgres://…``
(the CI workflow does).
"""

import json
import uuid
from decimal import Decimal
from functools import partial

import pytest
from django.test import Client

from ...cart.models import Cart, Voucher
from ...cart.services import add, summarize
from ...cart.tests.factories import VoucherFactory
from ...core.tests.concurrency import postgresql_only, run_all_at_once, run_at_once
from ..checkout import CartSpent, Placed, SoldOut, TooManyUnpaid, VoucherRefused, place_order
from ..lifecycle import transition
from ..models import GatewayEvent, InvoiceCounter, Order, OrderLine, Refund, ReturnRequest
from ..quote import quote_of
from ..refunds import RefundRefused, refund
from ..returns import ReturnRefused, request_return
from .conftest import ADDRESS, confirmed
from .factories import ShippingMethodFactory, UserFactory, VariantFactory
from .test_stripe import deliver, session_event, use_stripe

UNITS = 3
ATTEMPTS = 8
TABS = 4


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_cart_checked_out_in_several_tabs_at_once_becomes_one_order():
    """Each tab has its own checkout token; the cart (1 unit) may become one order, reserving 1 unit."""
    variant = VariantFactory(in_stock=10, price=Decimal("5.00"))
    shipping = ShippingMethodFactory(price=Decimal("0.00"))
    customer = UserFactory()
    cart = Cart.objects.create(user=customer)
    add(cart, variant, 1)
    seen = quote_of(summarize(cart, shipping.price), shipping, cart)

    def submit_a_tab() -> Placed:
        return place_order(user=customer, cart=Cart.objects.get(user=customer), checkout_token=uuid.uuid4(),
                           address=ADDRESS, shipping_method=shipping, payment_method="bank_transfer",
                           quote=seen)  # fmt: skip

    results = run_at_once(submit_a_tab, TABS)
    placed = [result for result in results if isinstance(result, Placed)]
    assert len(placed) == 1 and placed[0].created, results
    assert all(isinstance(result, CartSpent) for result in results if result not in placed), results
    assert Order.objects.count() == 1
    variant.refresh_from_db()
    assert variant.allocated == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_checkout_form_submitted_many_times_at_once_answers_with_its_order_every_time():
    variant = VariantFactory(in_stock=10, price=Decimal("5.00"))
    shipping = ShippingMethodFactory(price=Decimal("0.00"))
    customer = UserFactory()
    cart = Cart.objects.create(user=customer)
    add(cart, variant, 1)
    seen = quote_of(summarize(cart, shipping.price), shipping, cart)
    token = uuid.uuid4()

    def submit() -> Placed:
        return place_order(user=customer, cart=Cart.objects.get(user=customer), checkout_token=token,
                           address=ADDRESS, shipping_method=shipping, payment_method="bank_transfer",
                           quote=seen)  # fmt: skip

    results = run_at_once(submit, ATTEMPTS)
    order = Order.objects.get()
    assert all(isinstance(result, Placed) and result.order.pk == order.pk for result in results), results
    assert sum(result.created for result in results) == 1
    variant.refresh_from_db()
    assert variant.allocated == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_never_oversell():
    variant = VariantFactory(in_stock=UNITS, price=Decimal("5.00"))
    shipping = ShippingMethodFactory(price=Decimal("0.00"))
    customers = [UserFactory() for _ in range(ATTEMPTS)]
    for customer in customers:
        add(Cart.objects.create(user=customer), variant, 1)

    def checkout(customer) -> Placed:
        cart = Cart.objects.get(user=customer)
        return place_order(user=customer, cart=cart, checkout_token=uuid.uuid4(), address=ADDRESS,
                           shipping_method=shipping, payment_method="bank_transfer",
                           quote=confirmed(cart, Decimal("5.00")))  # fmt: skip

    results = run_all_at_once([partial(checkout, customer) for customer in customers])
    placed = [result for result in results if isinstance(result, Placed)]
    assert len(placed) == UNITS, results
    assert all(isinstance(result, SoldOut) for result in results if result not in placed), results
    variant.refresh_from_db()
    assert Order.objects.count() == UNITS
    assert (variant.in_stock, variant.allocated) == (UNITS, UNITS)
    assert variant.in_stock - variant.allocated == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_get_consecutive_invoice_numbers():
    """Orders paid at the same moment (the year's first payments: its counter row does not exist yet) get
    1…N, each once, with no gap."""
    variant = VariantFactory(in_stock=ATTEMPTS, price=Decimal("5.00"))
    shipping = ShippingMethodFactory(price=Decimal("0.00"))
    orders = []
    for _ in range(ATTEMPTS):
        customer = UserFactory()
        cart = Cart.objects.create(user=customer)
        add(cart, variant, 1)
        orders.append(place_order(user=customer, cart=cart, checkout_token=uuid.uuid4(), address=ADDRESS,
                                  shipping_method=shipping, payment_method="bank_transfer",
                                  quote=confirmed(cart, Decimal("5.00"))).order)  # fmt: skip

    results = run_all_at_once([partial(transition, order, Order.Status.PAID) for order in orders])
    assert all(isinstance(result, Order) for result in results), results
    numbers = sorted(Order.objects.values_list("invoice_sequence", flat=True))
    assert numbers == list(range(1, ATTEMPTS + 1))
    assert InvoiceCounter.objects.get().last == ATTEMPTS


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_of_one_customer_never_exceed_the_unpaid_cap(settings):
    """One customer checks out from several carts (their own, and visitor carts of other browsers) at once:
    with a cap of 5 unpaid units and 3 units per cart, one order is placed and the others are refused."""
    settings.SHOP_MAX_UNPAID_UNITS = 5
    variant = VariantFactory(in_stock=100, price=Decimal("5.00"))
    shipping = ShippingMethodFactory(price=Decimal("0.00"))
    customer = UserFactory()
    carts = [Cart.objects.create(user=customer)] + [Cart.objects.create() for _ in range(TABS - 1)]
    for cart in carts:
        add(cart, variant, 3)

    def checkout(cart) -> Placed:
        return place_order(user=customer, cart=cart, checkout_token=uuid.uuid4(), address=ADDRESS,
                           shipping_method=shipping, payment_method="bank_transfer",
                           quote=confirmed(cart, Decimal("15.00")))  # fmt: skip

    results = run_all_at_once([partial(checkout, cart) for cart in carts])
    placed = [result for result in results if isinstance(result, Placed)]
    assert len(placed) == 1, results
    assert all(isinstance(result, TooManyUnpaid) for result in results if result not in placed), results
    variant.refresh_from_db()
    assert variant.allocated == 3


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_voucher_with_one_use_left_goes_to_exactly_one_of_concurrent_checkouts():
    voucher = VoucherFactory(code="LAST", max_uses=5, uses=4)
    variant = VariantFactory(in_stock=100, price=Decimal("5.00"))
    shipping = ShippingMethodFactory(price=Decimal("0.00"))
    customers = [UserFactory() for _ in range(ATTEMPTS)]
    for customer in customers:
        cart = Cart.objects.create(user=customer, voucher=voucher)
        add(cart, variant, 1)

    def checkout(customer) -> Placed:
        cart = Cart.objects.get(user=customer)
        return place_order(user=customer, cart=cart, checkout_token=uuid.uuid4(), address=ADDRESS,
                           shipping_method=shipping, payment_method="bank_transfer",
                           quote=confirmed(cart, Decimal("4.50")))  # fmt: skip

    results = run_all_at_once([partial(checkout, customer) for customer in customers])
    placed = [result for result in results if isinstance(result, Placed)]
    assert len(placed) == 1, results
    assert all(isinstance(result, VoucherRefused) for result in results if result not in placed), results
    assert list(Order.objects.values_list("voucher_code", "discount")) == [("LAST", Decimal("0.50"))]
    voucher.refresh_from_db()
    assert voucher.uses == voucher.max_uses == 5
    variant.refresh_from_db()
    assert variant.allocated == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_of_one_customer_use_a_once_per_customer_voucher_once(settings):
    """One customer places several carts holding the voucher at once (no anti-hoarding cap to serialise
    them): the customer's row lock taken by the redemption lets one order have it."""
    settings.SHOP_MAX_UNPAID_UNITS = 0
    voucher = VoucherFactory(code="ONCE", max_uses_per_customer=1)
    variant = VariantFactory(in_stock=100, price=Decimal("5.00"))
    shipping = ShippingMethodFactory(price=Decimal("0.00"))
    customer = UserFactory()
    carts = [Cart.objects.create(user=customer, voucher=voucher)]
    carts += [Cart.objects.create(voucher=voucher) for _ in range(TABS - 1)]
    for cart in carts:
        add(cart, variant, 1)

    def checkout(cart) -> Placed:
        return place_order(user=customer, cart=cart, checkout_token=uuid.uuid4(), address=ADDRESS,
                           shipping_method=shipping, payment_method="bank_transfer",
                           quote=confirmed(cart, Decimal("4.50")))  # fmt: skip

    results = run_all_at_once([partial(checkout, cart) for cart in carts])
    placed = [result for result in results if isinstance(result, Placed)]
    assert len(placed) == 1, results
    assert all(isinstance(result, VoucherRefused) for result in results if result not in placed), results
    assert Order.objects.filter(voucher=voucher).count() == 1
    assert Voucher.objects.get().uses == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_stripe_event_delivered_several_times_at_once_pays_the_order_once(settings):
    """``test_stripe.py``'s webhook, from several threads (moved here: that module's tests share one order
    in a transaction, which a ``transaction=True`` test cannot run inside)."""
    use_stripe(settings)
    variant = VariantFactory(in_stock=5, price=Decimal("12.50"))
    shipping = ShippingMethodFactory()
    customer = UserFactory(email="ada@example.com")
    cart = Cart.objects.create(user=customer)
    add(cart, variant, 2)
    order = place_order(user=customer, cart=cart, checkout_token=uuid.uuid4(), address=ADDRESS,
                        shipping_method=shipping, payment_method="stripe",
                        quote=confirmed(cart, Decimal("29.90"))).order  # fmt: skip
    body = json.dumps(session_event(order))

    def deliver_once():
        return deliver(Client(), body).json()["detail"]

    answers = run_at_once(deliver_once, 4)
    assert sorted(answers) == sorted([f"Order {order.number} is paid."] + ["Already processed."] * 3), answers
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.invoice_sequence == 1
    assert GatewayEvent.objects.filter(event_id="evt_1").count() == 1


def _paid_order_of_30(checkout_token: str) -> Order:
    """A committed, paid bank-transfer order of 30.00 (for the tests that refund at the same moment)."""
    variant = VariantFactory(in_stock=5, price=Decimal("30.00"))
    shipping = ShippingMethodFactory(price=Decimal("0.00"))
    customer = UserFactory()
    cart = Cart.objects.create(user=customer)
    add(cart, variant, 1)
    order = place_order(
        user=customer, cart=cart, checkout_token=checkout_token, address=ADDRESS,
        shipping_method=shipping, payment_method="bank_transfer", quote=confirmed(cart, Decimal("30.00")),
    ).order  # fmt: skip
    transition(order, Order.Status.PAID)
    return order


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_that_together_exceed_the_payment_one_succeeds():
    order = _paid_order_of_30("0b7c1f55-4d0e-4a38-9c59-3e1b5a2c9d01")
    attempts = [
        partial(refund, order, Decimal("20.00"), reason="One", idempotency_key="one"),
        partial(refund, order, Decimal("20.00"), reason="Two", idempotency_key="two"),
    ]
    results = run_all_at_once(attempts)
    made = [result for result in results if isinstance(result, Refund)]
    assert len(made) == 1, results
    assert all(isinstance(result, RefundRefused) for result in results if result not in made), results
    order.refresh_from_db()
    assert order.refunded_total == Decimal("20.00")
    assert Refund.objects.filter(status=Refund.Status.SUCCEEDED).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_key_used_at_once_makes_one_refund():
    order = _paid_order_of_30("2c2f7a0e-9a53-4a26-bb8e-0e5a9d1f4c02")
    results = run_all_at_once([partial(refund, order, Decimal("5.00"), reason="x", idempotency_key="k")] * 4)
    assert all(isinstance(result, Refund) for result in results), results
    assert len({result.pk for result in results}) == 1
    order.refresh_from_db()
    assert order.refunded_total == Decimal("5.00")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_return_requests_at_once_cannot_return_more_than_was_bought():
    variant = VariantFactory(in_stock=5, price=Decimal("10.00"))
    shipping = ShippingMethodFactory(price=Decimal("0.00"))
    customer = UserFactory()

    cart = Cart.objects.create(user=customer)
    add(cart, variant, 2)
    order = place_order(
        user=customer, cart=cart, checkout_token="5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c10", address=ADDRESS,
        shipping_method=shipping, payment_method="bank_transfer", quote=confirmed(cart, Decimal("20.00")),
    ).order  # fmt: skip
    transition(order, Order.Status.PAID)
    transition(order, Order.Status.SHIPPED)
    line = order.lines.get()
    results = run_all_at_once([partial(request_return, order, {line.pk: 2}, "Both")] * 3)
    made = [result for result in results if isinstance(result, ReturnRequest)]
    assert len(made) == 1, results
    assert all(isinstance(result, ReturnRefused) for result in results if result not in made), results
    assert OrderLine.objects.get(pk=line.pk).returned_quantity == 2
