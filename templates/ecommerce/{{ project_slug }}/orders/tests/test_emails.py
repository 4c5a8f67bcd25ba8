import pytest
from django.core import mail

from ..emails import send_order_confirmation, send_status_email
from ..lifecycle import transition
from ..models import Order

pytestmark = pytest.mark.django_db


def test_confirmation_lists_lines_total_address_and_payment(filled_cart, place):
    order = place()
    assert send_order_confirmation(order.pk) is True
    body = mail.outbox[-1].body
    assert "2 x Linen shirt (Size M)" in body
    assert "Total: €29.90" in body
    assert "London" in body
    assert f"Order {order.number}" in body  # the transfer reference
    assert mail.outbox[-1].to == ["ada@example.com"]


def test_no_email_for_a_missing_order_or_an_outdated_status(filled_cart, place):
    order = place()
    assert send_order_confirmation(order.pk + 1000) is False
    transition(order, Order.Status.CANCELLED)
    assert send_status_email(order.pk, Order.Status.PAID) is False
    assert send_status_email(order.pk, Order.Status.CANCELLED) is True
    assert "refund" in mail.outbox[-1].body
