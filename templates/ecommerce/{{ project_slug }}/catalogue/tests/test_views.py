import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from .. import listing
from ..models import Product, ProductImage, Variant
from ..selectors import product_list
from .factories import CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [product.name for product in response.context["products"]]


def test_list_shows_active_products_with_something_to_sell(client):
    VariantFactory(product__name="Sold here")
    VariantFactory(product__name="Hidden product", product__is_active=False)
    VariantFactory(product__name="Only inactive variants", is_active=False)
    ProductFactory(name="No variants")
    response = client.get("/")
    assert response.status_code == 200
    assert names(response) == ["Sold here"]


def test_category_filter_includes_sub_categories(client):
    coffee = CategoryFactory(name="Coffee")
    beans = CategoryFactory(name="Beans", parent=coffee)
    VariantFactory(product__name="Espresso", product__category=beans)
    VariantFactory(product__name="Mug")
    assert names(client.get(f"/?category={coffee.slug}")) == ["Espresso"]
    assert names(client.get(f"/?category={beans.slug}")) == ["Espresso"]
    assert client.get("/?category=no-such-category").status_code == 404


def test_search_by_name_description_and_sku(client):
    VariantFactory(product__name="Blue mug", product__description="Stoneware", sku="MUG-BLUE")
    VariantFactory(product__name="Teapot", product__description="Cast iron")
    assert names(client.get("/?q=blue")) == ["Blue mug"]
    assert names(client.get("/?q=iron")) == ["Teapot"]
    assert names(client.get("/?q=mug-blue")) == ["Blue mug"]
    assert names(client.get("/?q=%27%3B DROP TABLE")) == []


def test_price_ordering_uses_the_cheapest_active_variant(client):
    VariantFactory(product__name="Mid", price=Decimal("20.00"))
    cheap = VariantFactory(product__name="Cheap", price=Decimal("30.00"))
    VariantFactory(product=cheap.product, price=Decimal("5.00"))
    VariantFactory(product=cheap.product, price=Decimal("1.00"), is_active=False)
    assert names(client.get("/?ordering=price")) == ["Cheap", "Mid"]
    assert names(client.get("/?ordering=-price")) == ["Mid", "Cheap"]
    assert client.get("/?ordering=nonsense").status_code == 200


def test_list_is_paginated(client, settings):
    settings.SHOP_PRODUCTS_PER_PAGE = 2
    for _ in range(3):
        VariantFactory()
    assert len(client.get("/").context["products"]) == 2
    assert len(client.get("/?page=2").context["products"]) == 1
    assert client.get("/?page=9").status_code == 404


def add_products(count: int) -> None:
    """``count`` more products, each with a variant and an image, in a few bulk queries (fast at 1,000)."""
    category = CategoryFactory()
    start = Product.objects.count()
    products = Product.objects.bulk_create(
        Product(category=category, name=f"Bulk {start + n}", slug=f"bulk-{start + n}") for n in range(count)
    )
    Variant.objects.bulk_create(
        Variant(product=product, sku=f"BULK-{product.slug}", name="One", price=Decimal("3.50"), in_stock=5)
        for product in products
    )
    ProductImage.objects.bulk_create(
        ProductImage(product=product, image="products/bulk.png", alt_text="A bulk product")
        for product in products
    )
    listing.refresh(product.pk for product in products)  # bulk_create sends no signals


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_is_constant_at_10_100_and_1000_products(client, settings):
    settings.SHOP_PRODUCTS_PER_PAGE = 50
    counts = {}
    for total in (10, 100, 1000):
        add_products(total - Product.objects.count())
        counts[total] = (count_queries(client, "/?ordering=price"), count_queries(client, "/?q=bulk"))
    assert counts[10] == counts[100] == counts[1000], counts


def test_the_list_counts_each_shown_products_variants_without_grouping_every_product():
    cheap = VariantFactory(product__name="Two options", price=Decimal("4.00"), in_stock=5)
    VariantFactory(product=cheap.product, price=Decimal("9.00"), in_stock=7, allocated=2)
    VariantFactory(product=cheap.product, price=Decimal("1.00"), is_active=False)

    listed = product_list()
    [product] = listed
    assert (product.price_from, product.num_variants, product.available) == (Decimal("4.00"), 2, 10)
    # A join with GROUP BY (and HAVING) would aggregate every product before a page's LIMIT applies.
    assert listed.query.group_by is None


def test_product_page_shows_variants_and_availability(client):
    variant = VariantFactory(name="Size M", in_stock=3, allocated=1, price=Decimal("19.90"))
    VariantFactory(product=variant.product, name="Size L", in_stock=2, allocated=2)
    VariantFactory(product=variant.product, name="Retired", is_active=False)
    response = client.get(variant.product.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Only 2 left" in content  # 3 on the shelf, 1 promised to an order
    assert '<span class="badge danger">Sold out</span>' in content
    assert "€19.90" in content
    assert "Retired" not in content


def test_list_marks_sold_out_and_low_stock_products(client):
    VariantFactory(product__name="Plenty", in_stock=40)
    low = VariantFactory(product__name="Scarce", in_stock=4, allocated=1)
    VariantFactory(product=low.product, in_stock=0, is_active=True)
    VariantFactory(product=low.product, in_stock=50, is_active=False)  # not for sale: not counted
    VariantFactory(product__name="Gone", in_stock=2, allocated=2)
    cards = client.get("/").content.decode().split('<article class="card product-card">')[1:]
    badges = {
        name: card.split('<span class="badge', 1)[1].split("</span>", 1)[0] if "badge" in card else ""
        for name in ("Plenty", "Scarce", "Gone")
        for card in cards
        if f">{name}</a>" in card
    }
    assert badges == {"Plenty": "", "Scarce": ' warning">Only 3 left', "Gone": ' danger">Sold out'}, badges


def test_inactive_product_page_is_404(client):
    variant = VariantFactory(product__is_active=False)
    assert client.get(variant.product.get_absolute_url()).status_code == 404


def test_product_images_are_validated():
    buffer = BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    image = ProductImage(
        product=ProductFactory(), alt_text="A mug", image=SimpleUploadedFile("mug.png", buffer.getvalue())
    )
    image.full_clean()
    image.image = SimpleUploadedFile("mug.exe", b"MZ not an image")
    with pytest.raises(Exception, match="extension"):
        image.full_clean()


def test_product_page_shows_options_not_skus_or_exact_stock(client):
    variant = VariantFactory(name="Size M", sku="TEE-M-0042", in_stock=4137, price=Decimal("19.00"))
    VariantFactory(product=variant.product, name="Size L", in_stock=4, price=Decimal("21.00"))
    content = client.get(variant.product.get_absolute_url()).content.decode()
    # Random tokens (the CSRF token, the CSP nonce) may spell "SKU" by chance: leave them out.
    shown = re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", content)
    assert "TEE-M-0042" not in shown and "SKU" not in shown
    assert "4137" not in content  # plenty is "In stock", not a count (4 digits: no chance hit in a token)
    assert '<span class="badge success">In stock</span>' in content
    assert "Only 4 left" in content
    assert "from €19.00" in content
    assert 'type="radio" name="variant"' in content and "checked" in content
