"""The customer's "My orders" page is kept per session (``signed_in_page_cache``) and made again at once after
every kind of write of what it shows: orders and their lines, the cart and its lines (the count in the
header), whichever code writes them (``cart/own_pages.py``). Stripe's writes: ``test_stripe.py``."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from ...cart import vouchers
from ...cart.models import Cart, CartLine
from ...cart.own_pages import OWNED, OwnedQuerySet
from ...cart.services import add, clear, set_quantity
from ..checkout import place_order
from ..guests import claim
from ..housekeeping import cancel_unpaid_orders
from ..invoicing import number_invoice
from ..lifecycle import transition
from ..models import Order, OrderLine
from ..refunds import refund
from ..returns import approve, reject, request_return
from .conftest import ADDRESS, OwnPage, confirmed
from .factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def cart_count(page: str) -> int:
    found = re.search(r'<span class="badge count">(\d+)<', page)
    return int(found[1]) if found else 0


def test_every_manager_of_the_rows_shown_renews_the_pages():
    for label in OWNED:
        for manager in apps.get_model(label)._meta.managers:
            assert issubclass(manager._queryset_class, OwnedQuerySet), f"{label}.{manager.name}"


def test_the_page_is_kept_through_other_customers_writes_and_shows_only_the_customers_orders(
    own_page, filled_cart, place, variant
):  # fmt: skip
    mine = place()  # the order, its lines and the spent cart: one new page
    page = own_page.renewed()
    assert mine.number in page
    other = UserFactory(username="grace", email="grace@example.com")
    other_page = own_page.of(other)
    assert mine.number not in other_page.kept()
    add(Cart.objects.create(user=other), variant, 1)
    theirs = place(user=other, expected_total=Decimal("17.40"))
    transition(theirs, Order.Status.PAID)
    Order.objects.filter(pk=theirs.pk).update(refunded_total=Decimal("1.00"))
    assert own_page.kept() == page
    assert theirs.number in other_page.renewed()


def test_every_cart_write_renews_the_count_in_the_header(own_page, customer, variant):
    cart = Cart.objects.create(user=customer)  # save()
    assert cart_count(own_page.renewed()) == 0
    line = add(cart, variant, 2)  # a new line
    assert cart_count(own_page.renewed()) == 2
    add(cart, variant, 1)  # the line saved again
    assert cart_count(own_page.renewed()) == 3
    set_quantity(CartLine.objects.get(pk=line.pk), 1)
    assert cart_count(own_page.renewed()) == 1
    vouchers.remove(cart)  # the cart's update()
    own_page.renewed()
    set_quantity(CartLine.objects.get(pk=line.pk), 0)  # the line deleted
    assert cart_count(own_page.renewed()) == 0
    add(cart, variant, 2)
    assert cart_count(own_page.renewed()) == 2
    clear(cart)  # the lines' queryset delete()
    assert cart_count(own_page.renewed()) == 0
    other = VariantFactory(in_stock=5)
    add(cart, other, 4)
    assert cart_count(own_page.renewed()) == 4
    other.delete()  # its cart lines go with it
    assert cart_count(own_page.renewed()) == 0
    CartLine.objects.bulk_create([CartLine(cart=cart, variant=variant, quantity=3)])
    assert cart_count(own_page.renewed()) == 3


def test_placing_an_order_renews_the_orders_and_the_emptied_cart(own_page, filled_cart, place):
    assert cart_count(own_page.renewed()) == 2
    order = place()
    page = own_page.renewed()
    assert order.number in page and cart_count(page) == 0


def test_invoicing_and_every_status_change_renew_it(own_page, filled_cart, place):
    order = place()
    assert "Pending payment" in own_page.renewed()
    with transaction.atomic():
        number_invoice(order, timezone.now())  # the invoice number's update()
    assert order.invoice_number in own_page.renewed()
    for status in (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.COMPLETED):
        transition(order, status)
        assert order.get_status_display() in own_page.renewed()


def test_cancelling_by_the_customer_and_by_housekeeping_renews_it(
    own_page, filled_cart, place, variant, settings
):  # fmt: skip
    first = place()
    own_page.renewed()
    transition(first, Order.Status.CANCELLED)
    assert "Cancelled" in own_page.renewed()
    add(filled_cart, variant, 1)
    overdue = place(expected_total=Decimal("17.40"))
    Order.objects.filter(pk=overdue.pk).update(created_at=timezone.now() - timedelta(days=30))
    own_page.renewed()
    settings.SHOP_UNPAID_RESERVATION_DAYS = 14
    assert cancel_unpaid_orders() == 1
    page = own_page.renewed()
    assert "Pending payment" not in page and page.count("Cancelled") == 2


def test_refunds_renew_it(own_page, filled_cart, place):
    order = place()
    transition(order, Order.Status.PAID)
    own_page.renewed()
    refund(order, Decimal("10.00"), reason="Scratched", idempotency_key="a")  # the refunded total's update()
    assert "Refunded" not in own_page.renewed()
    refund(order, Decimal("19.90"), reason="The rest", idempotency_key="b")
    assert "Refunded" in own_page.renewed()


def test_return_requests_decisions_and_refunds_renew_it(own_page, filled_cart, place):
    order = place()
    transition(order, Order.Status.PAID)
    transition(order, Order.Status.SHIPPED)
    own_page.renewed()
    line = order.lines.get()
    asked = request_return(order, {line.pk: 1}, "Too small")  # the line's returned quantity
    own_page.renewed()
    reject(asked, "Worn")
    own_page.renewed()
    approve(request_return(order, {line.pk: 2}, "Too big"))  # both units back, their price refunded
    own_page.renewed()


def test_a_guest_order_joining_the_account_renews_it(own_page, customer, variant, shipping):
    cart = Cart.objects.create()
    add(cart, variant, 2)
    guest = place_order(
        user=None,
        cart=cart,
        checkout_token=uuid.uuid4(),
        address=ADDRESS,
        shipping_method=shipping,
        payment_method="bank_transfer",
        quote=confirmed(cart, Decimal("29.90")),
    ).order
    assert guest.number not in own_page.kept()  # nobody's page changed
    assert claim(customer, "ADA@example.com") == 1  # update(user=...)
    assert guest.number in own_page.renewed()


def test_an_order_moved_to_another_customer_renews_both_pages(own_page, customer, filled_cart, place):
    order = place()
    own_page.renewed()
    other = UserFactory(username="grace", email="grace@example.com")
    other_page = own_page.of(other)
    order.user = other
    order.save()
    assert order.number not in own_page.renewed()
    assert order.number in other_page.renewed()
    Order.objects.filter(pk=order.pk).update(user=customer)  # and back, by update()
    assert order.number in own_page.renewed()
    assert order.number not in other_page.renewed()


def test_any_other_write_of_orders_or_their_lines_renews_it(own_page, filled_cart, place):
    order = place()
    own_page.renewed()
    order.status = Order.Status.PAID
    Order.objects.bulk_update([order], ["status"])
    assert "Paid" in own_page.renewed()
    OrderLine.objects.filter(order=order).update(returned_quantity=1)
    own_page.renewed()
    order.lines.all().delete()
    page = own_page.renewed()
    assert order.number in page


def test_the_kept_pages_sign_out_form_posts_and_another_customer_gets_their_own_page(
    own_page, customer, filled_cart, place
):  # fmt: skip
    order = place()
    own_page.renewed()
    kept = own_page.of(customer, enforce_csrf_checks=True)
    page = kept.kept()
    assert order.number in page
    form = r'<form method="post" action="([^"]+)" class="inline-form">\s*<input [^>]*value="([^"]+)"'
    logout, token = re.search(form, page).groups()  # the header's "Log out" and its CSRF token
    response = kept.client.post(logout, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302  # not 403: the kept page's token is valid for its session
    assert kept.client.get(OwnPage.URL).status_code == 302  # signed out: to the sign-in page
    other = UserFactory(username="grace", email="grace@example.com")
    kept.client.force_login(other)
    assert order.number not in kept.client.get(OwnPage.URL).content.decode()
