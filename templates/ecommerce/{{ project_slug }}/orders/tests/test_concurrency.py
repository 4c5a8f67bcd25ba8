"""Concurrent checkouts, on a real PostgreSQL database: for the last units of one variant, of one cart
from several tabs, and of one checkout form submitted several times at once.

Each thread has its own database connection (Django opens one per thread) and places its order at the same
moment. Skipped on SQLite, which serialises writers anyway: run them with ``DATABASE_URL=postgres://…``
(the CI workflow does).
"""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, connections

from ...cart.models import Cart
from ...cart.services import add, summarize
from ..checkout import CartSpent, Placed, SoldOut, place_order
from ..models import Order
from ..quote import quote_of
from .conftest import ADDRESS, confirmed
from .factories import ShippingMethodFactory, UserFactory, VariantFactory

UNITS = 3
ATTEMPTS = 8
TABS = 4

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
)


def run_together(count: int, attempt) -> list:
    """Call ``attempt()`` in ``count`` threads at the same moment; their results (or exceptions)."""
    start = threading.Barrier(count, timeout=30)
    results: list = []
    lock = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            outcome = attempt()
        except Exception as error:
            outcome = error
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


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

    results = run_together(TABS, submit_a_tab)
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

    results = run_together(ATTEMPTS, submit)
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
    start = threading.Barrier(ATTEMPTS, timeout=30)
    results: list[str] = []
    lock = threading.Lock()

    def checkout(customer) -> None:
        try:
            start.wait()
            cart = Cart.objects.get(user=customer)
            place_order(user=customer, cart=cart, checkout_token=uuid.uuid4(), address=ADDRESS,
                        shipping_method=shipping, payment_method="bank_transfer",
                        quote=confirmed(cart, Decimal("5.00")))  # fmt: skip
            outcome = "placed"
        except SoldOut:
            outcome = "sold out"
        except Exception as error:
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=checkout, args=(customer,)) for customer in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    variant.refresh_from_db()
    assert sorted(results) == ["placed"] * UNITS + ["sold out"] * (ATTEMPTS - UNITS), results
    assert Order.objects.count() == UNITS
    assert (variant.in_stock, variant.allocated) == (UNITS, UNITS)
    assert variant.in_stock - variant.allocated == 0
