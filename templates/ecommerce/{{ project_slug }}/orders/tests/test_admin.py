"""Staff actions go through the same transitions as everything else."""

import pytest
from django.contrib.messages import get_messages

from ..models import Order

pytestmark = pytest.mark.django_db

URL = "/admin/orders/order/"


def act(admin_client, action: str, *orders: Order):
    response = admin_client.post(
        URL, {"action": action, "_selected_action": [o.pk for o in orders]}, follow=True
    )
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_admin_pages_render(admin_client, filled_cart, place):
    order = place()
    for url in (URL, f"{URL}?status=pending_payment", f"{URL}?q={order.email}", f"{URL}{order.pk}/change/",
                "/admin/orders/shippingmethod/", "/admin/cart/cart/"):  # fmt: skip
        assert admin_client.get(url).status_code == 200, url


def test_staff_mark_paid_then_shipped_and_stock_is_consumed(admin_client, filled_cart, place, variant):
    order = place()
    assert "1 order(s) marked paid." in act(admin_client, "mark_paid", order)
    assert "1 order(s) marked shipped." in act(admin_client, "mark_shipped", order)
    variant.refresh_from_db()
    assert (variant.in_stock, variant.allocated) == (3, 0)
    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPED


def test_a_transition_that_is_not_allowed_is_reported_not_made(admin_client, filled_cart, place, variant):
    order = place()
    notes = act(admin_client, "mark_shipped", order)
    assert any("cannot become shipped" in note for note in notes)
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    variant.refresh_from_db()
    assert (variant.in_stock, variant.allocated) == (5, 2)


def test_staff_cancel_releases_stock_and_orders_cannot_be_deleted(admin_client, filled_cart, place, variant):
    order = place()
    act(admin_client, "cancel", order)
    variant.refresh_from_db()
    assert variant.allocated == 0
    assert admin_client.get(f"{URL}{order.pk}/delete/").status_code == 403


def test_marking_paid_numbers_the_invoice_shown_read_only_and_searchable(admin_client, filled_cart, place):
    order = place()
    act(admin_client, "mark_paid", order)
    order.refresh_from_db()
    assert order.invoice_number
    change = admin_client.get(f"{URL}{order.pk}/change/").content.decode()
    assert order.invoice_number in change and 'name="invoice_sequence"' not in change
    found = admin_client.get(URL, {"q": order.invoice_number})
    assert list(found.context["cl"].result_list) == [order]
    assert admin_client.get("/admin/orders/invoicecounter/").status_code == 200
