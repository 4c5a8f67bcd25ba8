"""Invoice numbers (gap-free per year, given when an order is paid) and the printable invoice page."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from ...cart.models import Cart
from ...cart.services import add
from ..invoicing import number_invoice
from ..lifecycle import transition
from ..models import InvoiceCounter, Order
from .factories import UserFactory

pytestmark = pytest.mark.django_db

Status = Order.Status


@pytest.fixture
def two_orders(filled_cart, place, customer, variant) -> tuple[Order, Order]:
    first = place()
    add(Cart.objects.get(user=customer), variant, 2)
    return first, place()


def test_paying_gives_the_years_next_invoice_number_once(filled_cart, place):
    order = place()
    assert order.invoice_number == ""
    transition(order, Status.PAID)
    year = order.paid_at.year
    assert order.invoice_number == f"{year}-000001"
    assert Order.objects.get(pk=order.pk).invoice_number == f"{year}-000001"
    transition(order, Status.SHIPPED)
    transition(order, Status.COMPLETED)
    assert Order.objects.get(pk=order.pk).invoice_number == f"{year}-000001"  # an order is invoiced once
    assert InvoiceCounter.objects.get(year=year).last == 1
    assert order.number == f"{order.pk:06d}"  # the order's own number stays what it was


def test_cash_on_delivery_is_invoiced_when_completed(filled_cart, place):
    order = place(payment_method="cash_on_delivery")
    transition(order, Status.SHIPPED)
    assert order.invoice_number == ""
    transition(order, Status.COMPLETED)
    assert order.invoice_number == f"{order.paid_at.year}-000001"


def test_a_cancelled_order_gets_no_number(filled_cart, place):
    order = place()
    transition(order, Status.CANCELLED)
    assert Order.objects.get(pk=order.pk).invoice_number == ""
    assert not InvoiceCounter.objects.exists()


def test_a_rolled_back_payment_uses_no_number(filled_cart, place):
    first = place()
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(first, Status.PAID)
        raise RuntimeError("the payment's transaction fails after the order was marked paid")
    first.refresh_from_db()
    assert (first.status, first.invoice_number) == (Status.PENDING_PAYMENT, "")
    transition(first, Status.PAID)
    assert first.invoice_sequence == 1


def test_each_year_starts_at_one(two_orders):
    late, early = two_orders
    assert number_invoice(late, datetime(2026, 12, 31, 12, tzinfo=UTC))
    assert number_invoice(early, datetime(2027, 1, 1, 12, tzinfo=UTC))
    assert (late.invoice_number, early.invoice_number) == ("2026-000001", "2027-000001")
    assert not number_invoice(late, datetime(2027, 1, 2, tzinfo=UTC))  # invoiced already: unchanged
    assert Order.objects.get(pk=late.pk).invoice_number == "2026-000001"
    assert dict(InvoiceCounter.objects.values_list("year", "last")) == {2026: 1, 2027: 1}


def test_the_database_refuses_an_invoice_number_twice(two_orders):
    first, second = two_orders
    number_invoice(first, datetime(2026, 5, 1, tzinfo=UTC))
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=second.pk).update(invoice_year=2026, invoice_sequence=1)


def test_the_paid_email_names_the_invoice(filled_cart, place, django_capture_on_commit_callbacks):
    order = place()
    with django_capture_on_commit_callbacks(execute=True):
        transition(order, Status.PAID)
    assert order.invoice_number in mail.outbox[-1].body


def test_the_invoice_page_is_for_the_customer_and_staff_only(client, filled_cart, place, customer):
    order = place()
    url = f"/orders/{order.pk}/invoice/"
    client.force_login(customer)
    assert client.get(url).status_code == 404  # not paid: no invoice yet
    assert "/invoice/" not in client.get(order.get_absolute_url()).content.decode()
    transition(order, Status.PAID)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Invoice {order.invoice_number}" in html and order.full_name in html and "29.90" in html
    assert url in client.get(order.get_absolute_url()).content.decode()  # linked from the order
    assert url in client.get("/orders/").content.decode()  # and from the order history
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
