"""Checkout, order history and order pages over HTTP; customers see only their own orders."""

import uuid
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from ...cart.models import Cart
from ...cart.services import summarize
from ..models import Order, OrderLine
from ..payments import PROVIDERS, PaymentProvider, PaymentStart
from ..quote import Quote, quote_of
from .conftest import ADDRESS
from .factories import ShippingMethodFactory, UserFactory

pytestmark = pytest.mark.django_db


def checkout_data(shipping, **changes) -> dict:
    """The checkout form as its page shows it now: its quote is the summary of the customer's cart."""
    cart = Cart.objects.filter(user__username="customer").first()
    quote = quote_of(summarize(cart, shipping.price), shipping, cart).sign()
    data = {**ADDRESS, "shipping_method": shipping.pk, "payment_method": "bank_transfer",
            "checkout_token": str(uuid.uuid4()), "quote": quote, "place": "1"}  # fmt: skip
    data.update(changes)
    return data


def shown_total(response) -> Decimal:
    """The total the page's form confirms."""
    return Quote.unsign(response.context["form"]["quote"].value()).total


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def test_checkout_needs_a_login_and_a_cart(client, customer):
    assert client.get("/checkout/").status_code == 302
    client.force_login(customer)
    response = client.get("/checkout/")
    assert response.status_code == 302 and response.url == "/cart/"


def test_checkout_page_shows_the_summary_and_a_token(signed_in, filled_cart, shipping):
    response = signed_in.get("/checkout/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "€29.90" in content
    assert response.context["form"]["checkout_token"].value()
    assert shown_total(response) == Decimal("29.90")


def test_choosing_another_shipping_method_updates_the_summary(signed_in, filled_cart, shipping):
    express = ShippingMethodFactory(name="Express", price=Decimal("12.00"))
    data = checkout_data(shipping, shipping_method=express.pk, update="1")
    del data["place"]
    response = signed_in.post("/checkout/", data)
    assert response.status_code == 200
    assert shown_total(response) == Decimal("37.00")
    assert not Order.objects.exists()


def test_placing_an_order_over_http(signed_in, filled_cart, shipping):
    response = signed_in.post("/checkout/", checkout_data(shipping), follow=True)
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == f"/orders/{order.pk}/"
    content = response.content.decode()
    assert f"Order {order.number}" in content
    assert "Please transfer €29.90" in content


def test_a_gateway_provider_sends_the_customer_to_its_payment_page(
    signed_in, filled_cart, shipping, settings, monkeypatch
):
    class Gateway(PaymentProvider):
        code, label = "gateway", "Card"

        def start(self, order: Order) -> PaymentStart:
            return PaymentStart(redirect_url=f"https://pay.example.com/{order.number}")

    monkeypatch.setitem(PROVIDERS, "gateway", Gateway())
    settings.SHOP_PAYMENT_METHODS = ["gateway"]
    response = signed_in.post("/checkout/", checkout_data(shipping, payment_method="gateway"))
    order = Order.objects.get()
    assert response.url == f"https://pay.example.com/{order.number}"
    assert order.status == Order.Status.PENDING_PAYMENT  # only the gateway's signed webhook marks it paid


def test_placing_after_choosing_another_shipping_shows_its_total_first(signed_in, filled_cart, shipping):
    """Express chosen on the form, "Place order" pressed without "Update summary": not a price change
    behind the customer's back, but they have not seen the total with Express yet."""
    express = ShippingMethodFactory(name="Express", price=Decimal("12.00"))
    response = signed_in.post("/checkout/", checkout_data(shipping, shipping_method=express.pk))
    assert response.status_code == 200
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert texts == ["Shipping changed to Express: check the new total and place the order."]
    assert "Prices changed" not in response.content.decode()
    assert shown_total(response) == Decimal("37.00")
    assert not Order.objects.exists()
    new_quote = response.context["form"]["quote"].value()
    placed = signed_in.post(
        "/checkout/", checkout_data(shipping, shipping_method=express.pk, quote=new_quote)
    )
    assert placed.status_code == 302
    assert Order.objects.get().total == Decimal("37.00")


def test_a_second_tab_of_an_ordered_cart_goes_to_the_order(signed_in, filled_cart, shipping):
    first_tab, second_tab = checkout_data(shipping), checkout_data(shipping)
    placed = signed_in.post("/checkout/", first_tab)
    again = signed_in.post("/checkout/", second_tab, follow=True)
    order = Order.objects.get()
    assert placed.url == again.redirect_chain[-1][0] == f"/orders/{order.pk}/"
    texts = " ".join(str(message) for message in get_messages(again.wsgi_request))
    assert f"already ordered as order {order.number}" in texts


def test_a_double_submit_places_one_order(signed_in, filled_cart, shipping):
    data = checkout_data(shipping)
    first = signed_in.post("/checkout/", data)
    second = signed_in.post("/checkout/", data, follow=True)
    assert Order.objects.count() == 1
    assert first.url == second.redirect_chain[-1][0]
    assert "was already placed" in " ".join(str(m) for m in get_messages(second.wsgi_request))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"postcode": ""}, "This field is required"),
        ({"email": "not-an-email"}, "valid email"),
        ({"shipping_method": "999"}, "Choose one of the shipping methods"),
        ({"payment_method": "free_money"}, "Select a valid choice"),
        ({"checkout_token": "not-a-uuid"}, "place the order again"),
        ({"quote": "forged"}, "place the order again"),
        ({"quote": ""}, "place the order again"),
    ],
)
def test_invalid_checkout_forms_are_refused_without_an_order(
    signed_in, filled_cart, shipping, variant, changes, error
):
    response = signed_in.post("/checkout/", checkout_data(shipping, **changes))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Order.objects.exists()
    variant.refresh_from_db()
    assert variant.allocated == 0


def test_stale_total_is_told_and_the_page_shows_the_new_one(signed_in, filled_cart, shipping, variant):
    shown = checkout_data(shipping)
    variant.price = Decimal("15.00")
    variant.save()
    response = signed_in.post("/checkout/", shown)
    assert response.status_code == 409
    assert "Prices changed" in response.content.decode()
    assert shown_total(response) == Decimal("34.90")
    assert not Order.objects.exists()
    new_quote = response.context["form"]["quote"].value()
    retry = signed_in.post("/checkout/", checkout_data(shipping, quote=new_quote))
    assert retry.status_code == 302
    assert Order.objects.get().total == Decimal("34.90")


def test_sold_out_at_checkout_is_told(signed_in, filled_cart, shipping, variant):
    variant.allocated = 5
    variant.save(update_fields=["allocated"])
    response = signed_in.post("/checkout/", checkout_data(shipping))
    assert response.status_code == 409
    assert "sold out" in response.content.decode()
    assert not Order.objects.exists()


def test_order_history_and_detail_are_the_customers_own(signed_in, client, filled_cart, place, customer):
    order = place()
    other = UserFactory()
    response = signed_in.get("/orders/")
    assert list(response.context["orders"]) == [order]
    assert signed_in.get(f"/orders/{order.pk}/").status_code == 200
    client.force_login(other)
    assert list(client.get("/orders/").context["orders"]) == []
    assert client.get(f"/orders/{order.pk}/").status_code == 404
    assert client.post(f"/orders/{order.pk}/cancel/").status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


def test_customer_cancels_a_pending_order_and_the_stock_returns(signed_in, filled_cart, place, variant):
    order = place()
    signed_in.post(f"/orders/{order.pk}/cancel/")
    variant.refresh_from_db()
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert variant.allocated == 0
    response = signed_in.post(f"/orders/{order.pk}/cancel/", follow=True)
    assert "Only orders waiting for payment" in response.content.decode()


def add_orders(user, count: int, variant) -> None:
    orders = Order.objects.bulk_create(
        Order(user=user, email="a@example.com", full_name="A", address_line1="1 Road", postcode="1", city="C",
              country="X", shipping_method="Standard", shipping_price=Decimal("0"), subtotal=Decimal("1"),
              total=Decimal("1"), currency="EUR", payment_method="bank_transfer", checkout_token=uuid.uuid4())
        for _ in range(count)
    )  # fmt: skip
    OrderLine.objects.bulk_create(
        OrderLine(order=order, variant=variant, product_name="P", sku=variant.sku, unit_price=Decimal("1"),
                  quantity=1, line_total=Decimal("1"))
        for order in orders
    )  # fmt: skip


def test_order_history_query_count_is_constant_at_10_100_and_1000_orders(
    signed_in, customer, variant, settings
):
    settings.SHOP_ORDERS_PER_PAGE = 50
    counts = {}
    for total in (10, 100, 1000):
        add_orders(customer, total - Order.objects.count(), variant)
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get("/orders/?page=1").status_code == 200
        counts[total] = len(queries)
    assert counts[10] == counts[100] == counts[1000], counts


def test_checkout_is_in_three_steps_and_names_shipping_prices(signed_in, filled_cart, shipping):
    content = signed_in.get("/checkout/").content.decode()
    steps = ["Delivery address", "Shipping and payment", "Review and place your order"]
    assert [content.index(f"</span> {step}</h2>") for step in steps] == sorted(
        content.index(f"</span> {step}</h2>") for step in steps
    )
    assert f"{shipping.name}: €{shipping.price}" in content


def test_another_shipping_method_with_htmx_updates_only_the_review(signed_in, filled_cart, shipping):
    """WCAG 3.2.2: a change of shipping method neither navigates nor submits; the review step is replaced."""
    page = signed_in.get("/checkout/").content.decode()
    trigger = page.split('hx-trigger="change"')[0].rsplit("<div", 1)[1]
    assert 'hx-target="#review"' in page.split('hx-trigger="change"')[1].split(">")[0]
    assert "hx-post" in trigger and "place" not in trigger
    express = ShippingMethodFactory(name="Express", price=Decimal("12.00"))
    data = checkout_data(shipping, shipping_method=express.pk, update="1")
    del data["place"]
    response = signed_in.post("/checkout/", data, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and '<section class="checkout-step card" id="review"' in content
    assert shown_total(response) == Decimal("37.00")
    assert "Place order (€37.00)" in content
    assert "Total with Express shipping: €37.00" in content  # announced in the page's live region
    assert not Order.objects.exists()
    del data["update"]
    data.update(quote=response.context["form"]["quote"].value(), place="1")
    placed = signed_in.post("/checkout/", data)
    assert placed.status_code == 302
    assert Order.objects.get().total == Decimal("37.00")


@pytest.mark.parametrize(
    ("status", "badge"),
    [("pending_payment", "warning"), ("paid", "success"), ("cancelled", "danger"), ("completed", "neutral")],
)
def test_order_status_badges_are_coloured_for_what_they_mean(status, badge):
    order = Order(status=status)
    html = Template("{% load shop %}{% order_status order %}").render(Context({"order": order}))
    assert html == f'<span class="badge {badge}">{order.get_status_display()}</span>'
