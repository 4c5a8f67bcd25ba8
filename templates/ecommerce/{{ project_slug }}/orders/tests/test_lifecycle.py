"""The order state machine: every transition, allowed or not, and what it does to the stock."""

import pytest
from django.core import mail

from ..lifecycle import TRANSITIONS, TransitionNotAllowed, advance, transition
from ..models import Order
from ..refunds import refund

pytestmark = pytest.mark.django_db

Status = Order.Status


def stock_of(variant) -> tuple[int, int]:
    variant.refresh_from_db()
    return variant.in_stock, variant.allocated


def move(order: Order, *statuses: str) -> Order:
    for status in statuses:
        if status == Status.REFUNDED:  # reached only by refunding the whole payment (refunds.py)
            refund(order, order.total, reason="All", idempotency_key=f"all-{order.pk}")
            order.refresh_from_db()
        else:
            transition(order, status)
    return order


#: How to reach each status from a fresh (pending payment) order.
PATHS = {
    Status.PENDING_PAYMENT: (),
    Status.PAID: (Status.PAID,),
    Status.SHIPPED: (Status.PAID, Status.SHIPPED),
    Status.COMPLETED: (Status.PAID, Status.SHIPPED, Status.COMPLETED),
    Status.CANCELLED: (Status.CANCELLED,),
    Status.REFUNDED: (Status.PAID, Status.REFUNDED),
}


@pytest.mark.parametrize("source", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_transition_matrix(shared_order, source, target):
    order = move(shared_order, *PATHS[source])  # the module's one order, as placed (``order_once``)
    if target in TRANSITIONS[source]:
        transition(order, target)
        assert Order.objects.get(pk=order.pk).status == target
    else:
        with pytest.raises(TransitionNotAllowed, match="cannot become"):
            transition(order, target)
        assert Order.objects.get(pk=order.pk).status == source


def test_stock_through_the_happy_path(filled_cart, variant, place):
    order = place()
    assert stock_of(variant) == (5, 2)
    move(order, Status.PAID)
    assert stock_of(variant) == (5, 2)
    move(order, Status.SHIPPED)
    assert stock_of(variant) == (3, 0)
    move(order, Status.COMPLETED)
    assert stock_of(variant) == (3, 0)
    order.refresh_from_db()
    assert order.paid_at and order.shipped_at and order.completed_at


@pytest.mark.parametrize("paid_first", [False, True])
def test_cancelling_releases_the_stock(filled_cart, variant, place, paid_first):
    order = place()
    if paid_first:
        move(order, Status.PAID)
    move(order, Status.CANCELLED)
    assert stock_of(variant) == (5, 0)
    with pytest.raises(TransitionNotAllowed):
        move(order, Status.CANCELLED)  # releasing twice is impossible
    assert stock_of(variant) == (5, 0)


def test_each_transition_emails_the_customer(filled_cart, place, django_capture_on_commit_callbacks):
    order = place()
    for status in (Status.PAID, Status.SHIPPED):
        with django_capture_on_commit_callbacks(execute=True):
            move(order, status)
    subjects = [message.subject for message in mail.outbox]
    assert any("paid" in subject for subject in subjects)
    assert any("shipped" in subject for subject in subjects)
    assert "on its way" in mail.outbox[-1].body


def test_advance_moves_forward_once_and_never_back(filled_cart, place):
    order = place()
    assert advance(order, Status.PAID, payment_reference="pay_1") is True
    move(order, Status.SHIPPED)
    assert advance(order, Status.PAID, payment_reference="pay_2") is False  # late: already paid
    order.refresh_from_db()
    assert (order.status, order.payment_reference) == (Status.SHIPPED, "pay_1")


def test_advance_refuses_what_the_order_never_reached_and_cannot_reach(filled_cart, place):
    order = move(place(), Status.CANCELLED)
    with pytest.raises(TransitionNotAllowed):
        advance(order, Status.PAID)
