from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ...cart.models import Cart
from ..housekeeping import cancel_unpaid_orders, delete_abandoned_carts
from ..lifecycle import transition
from ..models import Order
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def age(order_or_cart, days: int, field: str) -> None:
    type(order_or_cart).objects.filter(pk=order_or_cart.pk).update(
        **{field: timezone.now() - timedelta(days=days)}
    )


def test_overdue_bank_transfers_are_cancelled_and_release_stock(filled_cart, place, variant, settings):
    settings.SHOP_UNPAID_RESERVATION_DAYS = 14
    overdue = place()
    age(overdue, 15, "created_at")
    assert cancel_unpaid_orders() == 1
    overdue.refresh_from_db()
    variant.refresh_from_db()
    assert overdue.status == Order.Status.CANCELLED
    assert variant.allocated == 0
    assert cancel_unpaid_orders() == 0


def test_recent_paid_and_cash_on_delivery_orders_are_kept(filled_cart, place, variant):
    order = place(payment_method="cash_on_delivery")
    age(order, 60, "created_at")
    assert cancel_unpaid_orders() == 0
    transition(order, Order.Status.SHIPPED)  # paid on delivery: ships before it is paid
    transition(order, Order.Status.COMPLETED)
    order.refresh_from_db()
    assert order.paid_at == order.completed_at


def test_abandoned_visitor_carts_are_deleted(settings):
    settings.SHOP_VISITOR_CART_DAYS = 30
    old_visitor, new_visitor, customer = (
        Cart.objects.create(),
        Cart.objects.create(),
        Cart.objects.create(user=UserFactory()),
    )
    age(old_visitor, 31, "updated_at")
    age(customer, 365, "updated_at")
    assert delete_abandoned_carts() == 1
    assert set(Cart.objects.values_list("pk", flat=True)) == {new_visitor.pk, customer.pk}


def test_housekeeping_command():
    out = StringIO()
    call_command("shop_housekeeping", stdout=out)
    assert "Cancelled 0 unpaid order(s); deleted 0 abandoned cart(s)." in out.getvalue()
