"""Add to cart and a cart line's quantity work both ways: htmx gets the changed fragment (with the header's
item count swapped out of band), a plain form post gets a redirect and a message. A form sent twice from
one page takes effect once either way."""

import pytest
from django.contrib.messages import get_messages

from ...catalogue.tests.factories import VariantFactory
from ..models import CartLine

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def add(client, variant, quantity, **kwargs):
    data = {"variant": variant.pk, "quantity": quantity, "csrfmiddlewaretoken": kwargs.pop("token", "page-1")}
    return client.post(f"/cart/add/{variant.product.slug}/", data, **kwargs)


def test_htmx_add_to_cart_answers_the_form_the_count_and_a_status(client):
    variant = VariantFactory(in_stock=5, name="Size M")
    response = add(client, variant, 2, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('id="add-to-cart"') == 1  # a fresh form to add more
    assert '<span id="cart-count" hx-swap-oob="true"> <span class="badge count">2<' in content
    assert '<div id="cart-status" hx-swap-oob="innerHTML">' in content
    assert f"2 x {variant} added to your cart." in content
    assert "<html" not in content
    assert CartLine.objects.get().quantity == 2


def test_plain_add_to_cart_redirects_with_a_message(client):
    variant = VariantFactory(in_stock=5)
    response = add(client, variant, 2)
    assert (response.status_code, response["Location"]) == (302, "/cart/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"2 x {variant} added to your cart."]


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_add_to_cart_sent_twice_from_one_page_adds_once(client, headers):
    variant = VariantFactory(in_stock=5)
    first, second = add(client, variant, 1, headers=headers), add(client, variant, 1, headers=headers)
    assert first.status_code == second.status_code
    assert CartLine.objects.get().quantity == 1
    add(client, variant, 1, headers=headers, token="page-2")  # the fresh form adds again
    assert CartLine.objects.get().quantity == 2


def test_htmx_add_to_cart_refused_shows_the_reason_in_the_form(client):
    variant = VariantFactory(in_stock=3)
    response = add(client, variant, 4, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200  # htmx swaps only a success: the form comes back with its error
    assert "Only 3 of" in content
    assert 'class="alert error"' in content
    assert not CartLine.objects.exists()
    assert add(client, variant, 3, headers=HTMX).status_code == 200  # a refusal does not hold the form
    assert CartLine.objects.get().quantity == 3


def update(client, line, quantity, **kwargs):
    data = {"quantity": quantity, "csrfmiddlewaretoken": kwargs.pop("token", "cart-1")}
    return client.post(f"/cart/lines/{line.pk}/", data, **kwargs)


@pytest.fixture
def line(client):
    variant = VariantFactory(in_stock=5, price="4.00")
    add(client, variant, 1, token="product-page", headers=HTMX)
    return CartLine.objects.get()


def test_htmx_quantity_answers_the_cart_with_its_new_totals(client, line):
    response = update(client, line, 3, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert '<div id="cart">' in content
    assert "12.00" in content  # the line's total and the subtotal
    assert '<span class="badge count">3<' in content
    assert f"{line.variant}: quantity updated." in content
    assert CartLine.objects.get().quantity == 3
    assert update(client, line, 3, headers=HTMX).content == response.content  # a double click: replayed


def test_htmx_quantity_zero_removes_the_line(client, line):
    response = update(client, line, 0, headers=HTMX)
    content = response.content.decode()
    assert "Your cart is empty." in content
    assert '<span id="cart-count" hx-swap-oob="true"></span>' in content
    assert not CartLine.objects.exists()


def test_htmx_quantity_refused_keeps_the_line_and_says_why(client, line):
    response = update(client, line, 9, headers=HTMX)
    assert response.status_code == 200
    assert "Only 5 of" in response.content.decode()
    assert CartLine.objects.get().quantity == 1


def test_plain_quantity_redirects_with_a_message(client, line):
    response = update(client, line, 2)
    assert (response.status_code, response["Location"]) == (302, "/cart/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"{line.variant}: quantity updated."]
    assert CartLine.objects.get().quantity == 2


def test_the_pages_carry_the_in_place_forms_and_the_live_region(client, line):
    product_page = client.get(line.variant.product.get_absolute_url()).content.decode()
    cart_page = client.get("/cart/").content.decode()
    for page, target in ((product_page, 'hx-target="this"'), (cart_page, 'hx-target="#cart"')):
        assert '<div id="cart-status" role="status"></div>' in page
        assert target in page
        assert '<span id="cart-count">' in page
