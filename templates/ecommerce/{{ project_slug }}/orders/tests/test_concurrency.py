"""Concurrent checkouts for the last units of one variant, on a real PostgreSQL database.

Each thread has its own database connection (Django opens one per thread) and places its own order at
the same moment. Exactly ``UNITS`` orders may succeed; the others must get the "sold out" answer, and the
variant's availability must never go below zero. Skipped on SQLite, which serialises writers anyway:
run it with ``DATABASE_URL=postgres://…`` (the CI workflow does).
"""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, connections

from ...cart.models import Cart
from ...cart.services import add
from ..checkout import SoldOut, place_order
from ..models import Order
from .conftest import ADDRESS
from .factories import ShippingMethodFactory, UserFactory, VariantFactory

UNITS = 3
ATTEMPTS = 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions")
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
            place_order(user=customer, cart=Cart.objects.get(user=customer), checkout_token=uuid.uuid4(),
                        address=ADDRESS, shipping_method=shipping, payment_method="bank_transfer",
                        expected_total=Decimal("5.00"))  # fmt: skip
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
