"""Anti-hoarding: a cap on the units one customer holds in unpaid orders, and how long unpaid orders keep
their items (``SHOP_MAX_UNPAID_UNITS``, ``SHOP_UNPAID_RESERVATION_DAYS``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ...cart.models import Cart
from ...cart.services import add
from ..checkout import TooManyUnpaid, unpaid_units
from ..housekeeping import cancel_unpaid_orders
from ..lifecycle import transition
from ..models import Order
from .test_views import checkout_data

pytestmark = pytest.mark.django_db


def refill(customer, variant, quantity: int = 2) -> None:
    add(Cart.objects.get(user=customer), variant, quantity)


def test_unpaid_units_beyond_the_cap_are_refused(settings, filled_cart, place, customer, variant):
    settings.SHOP_MAX_UNPAID_UNITS = 3
    first = place()  # 2 units
    refill(customer, variant)
    with pytest.raises(TooManyUnpaid, match="at most 3 items in unpaid orders \\(2 already"):
        place()
    assert unpaid_units(customer) == 2
    variant.refresh_from_db()
    assert variant.allocated == 2  # the refused order reserved nothing
    transition(first, Order.Status.PAID)  # paid orders do not count
    assert place().status == Order.Status.PENDING_PAYMENT
    assert unpaid_units(customer) == 2


def test_no_cap_when_the_setting_is_zero(settings, filled_cart, place, customer, variant):
    settings.SHOP_MAX_UNPAID_UNITS = 0
    place()
    refill(customer, variant)
    place()
    assert unpaid_units(customer) == 4


def test_the_checkout_page_says_why(settings, client, filled_cart, customer, shipping):
    settings.SHOP_MAX_UNPAID_UNITS = 1
    client.force_login(customer)
    response = client.post("/checkout/", checkout_data(shipping))
    assert response.status_code == 409
    assert "at most 1 item in unpaid orders" in response.content.decode()
    assert not Order.objects.exists()


def test_unpaid_orders_keep_items_for_the_reservation_time(settings, client, filled_cart, place, customer):
    settings.SHOP_UNPAID_RESERVATION_DAYS = 0.5  # 12 hours
    order = place()
    client.force_login(customer)
    assert "We hold the items for you until" in client.get(order.get_absolute_url()).content.decode()
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=11))
    assert cancel_unpaid_orders() == 0
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=13))
    assert cancel_unpaid_orders() == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
