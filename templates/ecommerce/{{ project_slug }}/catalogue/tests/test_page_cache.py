"""The product list pages kept for visitors who are not signed in (core/page_cache.py): renewed whenever
a price, a stock level, a product or a category changes, and never given to a visitor with a cart."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .. import stock
from .factories import CategoryFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def page(client, address="/"):
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_is_served_from_the_cache(client):
    VariantFactory(product__name="Teapot")
    page(client)
    with CaptureQueriesContext(connection) as warm:
        assert "Teapot" in page(client)
    assert len(warm) == 0


def test_a_price_change_is_shown_at_once(client):
    variant = VariantFactory(product__name="Teapot", price=Decimal("10.00"))
    assert "12.50" not in page(client)
    variant.price = Decimal("12.50")
    variant.save()
    assert "12.50" in page(client)


def test_stock_moved_by_an_order_is_shown_at_once(client):
    variant = VariantFactory(product__name="Teapot", in_stock=3)
    assert "Only 3 left" in page(client)
    stock.allocate([(variant.pk, 3)])
    assert "Sold out" in page(client)
    stock.release([(variant.pk, 3)])
    assert "Only 3 left" in page(client)
    stock.restock([(variant.pk, 2)])
    assert "Only 5 left" in page(client)


def test_products_and_categories_changes_are_shown_at_once(client):
    category = CategoryFactory(name="Kitchen", slug="kitchen")
    variant = VariantFactory(product__name="Teapot", product__category=category)
    assert "Teapot" in page(client, "/?category=kitchen")
    variant.product.name = "Tea kettle"
    variant.product.save()
    assert "Tea kettle" in page(client, "/?category=kitchen")
    category.name = "Cookware"
    category.save()
    assert "Cookware" in page(client)
    variant.product.is_active = False
    variant.product.save()
    assert "Tea kettle" not in page(client)


def test_a_visitor_with_a_cart_gets_their_own_page(client):
    variant = VariantFactory(product__name="Teapot")
    page(client)  # cached for visitors without a session
    client.post(
        reverse("cart:add", kwargs={"slug": variant.product.slug}), {"variant": variant.pk, "quantity": 2}
    )
    response = client.get("/")
    assert response.context is not None  # rendered for this visitor, not taken from the cache
    assert response.context["cart_count"] == 2
