"""Returns (``returns.py``): asked within the return window for a paid, shipped order, never more units than
were bought; approved (restocked and refunded) or rejected (units free to ask again); emails at each step;
the customer's and the guest's return pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from ...cart.models import Cart
from ...cart.services import add
from ..checkout import place_order
from ..guests import link_for
from ..lifecycle import transition
from ..models import Order, OrderLine, Refund, ReturnRequest
from ..refunds import refund
from ..returns import ReturnRefused, approve, reject, request_return, value_of
from .conftest import ADDRESS, confirmed
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def ship(order: Order) -> Order:
    transition(order, Order.Status.PAID)
    transition(order, Order.Status.SHIPPED)
    order.refresh_from_db()
    return order


#: The module's one order (``order_once``), paid and shipped: its tests return from it, each in its own
#: savepoint.
SHARED_ORDER_PATH = (Order.Status.PAID, Order.Status.SHIPPED)


@pytest.fixture
def shipped(shared_order):
    """The order of 2 x Linen shirt (12.50 each) + 4.90 shipping, paid and shipped (``order_once``)."""
    return shared_order


@pytest.fixture
def variant(shared_order):
    """The shipped order's variant (5 on the shelf before the 2 shipped), for the tests' other orders too."""
    return shared_order.lines.get().variant


def line_of(order: Order) -> OrderLine:
    return order.lines.get()


def test_a_return_is_asked_approved_restocked_and_refunded(
    shipped, variant, django_capture_on_commit_callbacks
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        asked = request_return(shipped, {line_of(shipped).pk: 1}, "Too small")
    assert asked.status == ReturnRequest.Status.REQUESTED
    assert line_of(shipped).returned_quantity == 1
    assert mail.outbox[-1].subject == f"Order {shipped.number}: return requested"
    assert "1 x Linen shirt (Size M)" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        done = approve(asked)
    variant.refresh_from_db()
    assert variant.in_stock == 4  # 5, 2 shipped, 1 back
    assert done.status == ReturnRequest.Status.APPROVED
    assert (done.refund.amount, done.refund.status) == (Decimal("12.50"), Refund.Status.SUCCEEDED)
    shipped.refresh_from_db()
    assert (shipped.status, shipped.refunded_total) == (Order.Status.SHIPPED, Decimal("12.50"))
    subjects = [message.subject for message in mail.outbox]
    assert f"Order {shipped.number}: return approved" in subjects
    assert f"Order {shipped.number}: refund" in subjects
    approved = next(message for message in mail.outbox if message.subject.endswith("return approved"))
    assert "We refunded €12.50 for it." in approved.body


def test_approving_twice_restocks_and_refunds_once(shipped, variant):
    asked = request_return(shipped, {line_of(shipped).pk: 2}, "Not needed")
    approve(asked)
    approve(asked)
    variant.refresh_from_db()
    assert variant.in_stock == 5
    assert Refund.objects.count() == 1
    with pytest.raises(ReturnRefused, match="approved already"):
        reject(asked, "Too late")


def test_a_rejected_return_does_not_restock_and_frees_its_units(
    shipped, variant, django_capture_on_commit_callbacks
):  # fmt: skip
    asked = request_return(shipped, {line_of(shipped).pk: 2}, "Changed my mind")
    with pytest.raises(ReturnRefused, match="returned already"):
        request_return(shipped, {line_of(shipped).pk: 1}, "Again")
    with pytest.raises(ReturnRefused, match="reason"):
        reject(asked, "  ")
    with django_capture_on_commit_callbacks(execute=True):
        reject(asked, "Worn items cannot be returned.")
    variant.refresh_from_db()
    assert variant.in_stock == 3 and not Refund.objects.exists()
    assert line_of(shipped).returned_quantity == 0
    assert "Worn items cannot be returned." in mail.outbox[-1].body
    with pytest.raises(ReturnRefused, match="rejected already"):
        approve(asked)
    request_return(shipped, {line_of(shipped).pk: 2}, "Asking again")  # its units may be asked again


def test_returned_quantities_are_capped_by_what_was_bought(shipped):
    line = line_of(shipped)
    request_return(shipped, {line.pk: 1}, "One")
    with pytest.raises(ReturnRefused, match="at most 1 can still be returned, not 2"):
        request_return(shipped, {line.pk: 2}, "Two more")
    assert line_of(shipped).returned_quantity == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it as well
        OrderLine.objects.filter(pk=line.pk).update(returned_quantity=3)


def test_bad_requests_are_refused_with_the_field_at_fault(shipped):
    line = line_of(shipped)
    cases = [
        ({}, "Why", "lines"),
        ({line.pk: 1}, " ", "reason"),
        ({line.pk + 999: 1}, "Why", "lines"),
        ({line.pk: -1}, "Why", "lines"),
    ]
    for quantities, reason, field in cases:
        with pytest.raises(ReturnRefused) as refused:
            request_return(shipped, quantities, reason)
        assert refused.value.field == field
    assert not ReturnRequest.objects.exists()


def test_only_paid_shipped_orders_within_the_window_take_returns(settings, filled_cart, place):
    order = place()
    transition(order, Order.Status.PAID)
    with pytest.raises(ReturnRefused, match="paid and shipped"):
        request_return(order, {line_of(order).pk: 1}, "Why")
    transition(order, Order.Status.SHIPPED)
    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - timedelta(days=31))
    order.refresh_from_db()
    with pytest.raises(ReturnRefused, match="within 30 days"):
        request_return(order, {line_of(order).pk: 1}, "Late")
    settings.SHOP_RETURN_DAYS = 60
    assert request_return(order, {line_of(order).pk: 1}, "Late but allowed").pk


def test_the_value_refunded_takes_the_discount_share_and_leaves_shipping(shipped):
    Order.objects.filter(pk=shipped.pk).update(total=Decimal("24.90"))  # as if 5.00 off the 25.00 of goods
    shipped.refresh_from_db()
    asked = request_return(shipped, {line_of(shipped).pk: 1}, "Why")
    assert value_of(asked) == Decimal("10.00")  # 12.50 x 20.00 / 25.00
    assert approve(asked).refund.amount == Decimal("10.00")


def test_returning_everything_after_refunding_the_rest_refunds_the_order(shipped):
    asked = request_return(shipped, {line_of(shipped).pk: 2}, "Both")
    approve(asked)
    refund(shipped, Decimal("4.90"), reason="Shipping", idempotency_key="shipping")
    shipped.refresh_from_db()
    assert (shipped.status, shipped.refunded_total) == (Order.Status.REFUNDED, shipped.total)


def test_staff_approve_and_reject_in_the_admin(admin_client, shipped, variant):
    first = request_return(shipped, {line_of(shipped).pk: 1}, "One")
    second = request_return(shipped, {line_of(shipped).pk: 1}, "Another")
    url = "/admin/orders/returnrequest/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(f"{url}{first.pk}/change/").status_code == 200
    response = admin_client.post(url, {"action": "reject", "_selected_action": [second.pk]}, follow=True)
    assert any("reason" in str(note) for note in get_messages(response.wsgi_request))
    ReturnRequest.objects.filter(pk=second.pk).update(rejection_reason="Sent after the deadline.")
    admin_client.post(url, {"action": "reject", "_selected_action": [second.pk]})
    response = admin_client.post(url, {"action": "approve", "_selected_action": [first.pk]}, follow=True)
    assert any("refunded 12.50" in str(note) for note in get_messages(response.wsgi_request))
    statuses = dict(ReturnRequest.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "approved", second.pk: "rejected"}
    variant.refresh_from_db()
    assert variant.in_stock == 4


def test_the_customer_asks_for_a_return_on_the_return_page(client, shipped):
    client.force_login(shipped.user)
    page = client.get(f"/orders/{shipped.pk}/")
    assert b"Return items" in page.content
    url = f"/orders/{shipped.pk}/return/"
    form = client.get(url)
    assert form.status_code == 200 and b"up to 2" in form.content
    field = f"line_{line_of(shipped).pk}"
    assert client.post(url, {field: "3", "reason": "Too many"}).status_code == 400
    assert client.post(url, {field: "0", "reason": "Nothing"}).status_code == 400
    assert client.post(url, {field: "1", "reason": ""}).status_code == 400
    assert client.post(url, {field: "x", "reason": "Why"}).status_code == 400
    assert not ReturnRequest.objects.exists()
    response = client.post(url, {field: "1", "reason": "Too small"})
    assert response.status_code == 302 and response.url == f"/orders/{shipped.pk}/"
    page = client.get(f"/orders/{shipped.pk}/")
    assert b"Requested" in page.content and b"1 x Linen shirt" in page.content


def test_the_return_page_refuses_with_the_reason(client, customer, filled_cart, place):
    order = place()
    client.force_login(customer)
    response = client.get(f"/orders/{order.pk}/return/")
    assert response.status_code == 409 and b"data-refusal" in response.content
    assert b"Return items" not in client.get(f"/orders/{order.pk}/").content
    other = UserFactory()
    client.force_login(other)
    assert client.get(f"/orders/{order.pk}/return/").status_code == 404
    client.logout()
    assert client.get(f"/orders/{order.pk}/return/").status_code == 302  # to sign in


def test_the_order_page_shows_refunds_and_returns(client, shipped):
    asked = request_return(shipped, {line_of(shipped).pk: 1}, "Too small")
    approve(asked)
    client.force_login(shipped.user)
    content = client.get(f"/orders/{shipped.pk}/").content.decode()
    assert "Approved" in content and "Refunded" in content and "12.50" in content


def test_a_guest_asks_for_a_return_through_their_link(client, variant, shipping):

    cart = Cart.objects.create()
    add(cart, variant, 1)
    order = place_order(
        user=None, cart=cart, checkout_token="9f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a00",
        address={**ADDRESS, "email": "guest@example.com"}, shipping_method=shipping,
        payment_method="bank_transfer", quote=confirmed(cart, Decimal("17.40")),
    ).order  # fmt: skip
    ship(order)
    url = f"{link_for(order)}return/"
    assert client.get(url).status_code == 200
    response = client.post(url, {f"line_{order.lines.get().pk}": "1", "reason": "Wrong colour"})
    assert response.status_code == 302 and response.url == url.removesuffix("return/")
    assert ReturnRequest.objects.get().order == order
    assert client.get(f"{link_for(order)}x/return/").status_code == 404  # a changed link
