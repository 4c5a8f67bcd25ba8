"""The product list's kept listing (``listing.py``): every writer moves its products between the shelves,
and the shelves always hold what counting the products from scratch gives, with concurrent checkouts and
edits on PostgreSQL too."""

from collections import Counter
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ...core.tests.concurrency import postgresql_only, run_all_at_once
from .. import listing, stock
from ..models import Product, Shelf, Variant
from ..selectors import product_list
from .factories import CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def counted_from_scratch() -> dict[tuple[int, int, bool], int]:
    """What the shelves must hold, counted product by product from the variants (not with ``listing.py``'s
    queries): (category, price range, in stock) → listed products."""
    ranges = listing.price_ranges()
    found: Counter[tuple[int, int, bool]] = Counter()
    for product in Product.objects.filter(is_active=True).prefetch_related("variants"):
        offered = [variant for variant in product.variants.all() if variant.is_active]
        if offered:
            cheapest = min(variant.price for variant in offered)
            stocked = any(variant.in_stock > variant.allocated for variant in offered)
            found[product.category_id, listing.range_of(cheapest, ranges), stocked] += 1
    return dict(found)


def assert_shelves_right() -> None:
    kept = {
        (shelf.category_id, shelf.price_range, shelf.in_stock): shelf.products
        for shelf in Shelf.objects.filter(products__gt=0)
    }
    assert kept == counted_from_scratch()
    for product in Product.objects.select_related("shelf"):  # each product is where its shelf says
        shelf = product.shelf
        if shelf is not None:
            assert shelf.category_id == product.category_id
            assert shelf.in_stock == product.has_stock
            assert listing.price_ranges()[shelf.price_range].contains(product.price_from)
        else:
            assert (product.price_from, product.has_stock) == (None, False)
    assert sum(kept.values()) == Product.objects.exclude(shelf=None).count()


def test_every_writer_moves_the_product_to_its_shelf(admin_client):
    coffee, tea = CategoryFactory(), CategoryFactory()
    mug = ProductFactory(category=coffee)
    assert_shelves_right()  # no variant yet: not listed
    cheap = VariantFactory(product=mug, price=Decimal("8.00"), in_stock=1)
    assert Product.objects.get(pk=mug.pk).price_from == Decimal("8.00")
    assert_shelves_right()
    dear = VariantFactory(product=mug, price=Decimal("30.00"), in_stock=0)
    assert_shelves_right()
    cheap.price = Decimal("12.00")  # into the next range
    cheap.save()
    assert_shelves_right()
    stock.allocate([(cheap.pk, 1)])  # the last unit: sold out
    assert Product.objects.get(pk=mug.pk).has_stock is False
    assert_shelves_right()
    stock.release([(cheap.pk, 1)])
    assert_shelves_right()
    stock.allocate([(cheap.pk, 1)])
    stock.consume([(cheap.pk, 1)])
    assert_shelves_right()
    stock.restock([(dear.pk, 2)])  # the dearer option can be bought now
    assert_shelves_right()
    cheap.is_active = False
    cheap.save()
    assert Product.objects.get(pk=mug.pk).price_from == Decimal("30.00")
    assert_shelves_right()
    mug.category = tea
    mug.save()
    assert_shelves_right()
    changelist = "/admin/catalogue/product/"
    admin_client.post(changelist, {"action": "deactivate", "_selected_action": [mug.pk]})
    assert Product.objects.get(pk=mug.pk).shelf is None
    assert_shelves_right()
    admin_client.post(changelist, {"action": "activate", "_selected_action": [mug.pk]})
    assert_shelves_right()
    moved = VariantFactory(product=ProductFactory(category=coffee), price=Decimal("60.00"))
    moved.product = mug  # a variant moved to another product: both products change
    moved.save()
    assert_shelves_right()
    dear.delete()
    assert_shelves_right()
    mug.delete()
    assert_shelves_right()
    assert Shelf.objects.filter(products__gt=0).count() == 0


def test_products_written_in_bulk_are_listed_after_a_rebuild():
    category = CategoryFactory()
    products = Product.objects.bulk_create(
        Product(category=category, name=f"Bulk {n}", slug=f"bulk-{n}") for n in range(30)
    )
    Variant.objects.bulk_create(
        Variant(product=product, sku=f"B-{n}", name="One", price=Decimal(5 + n * 3), in_stock=n % 2)
        for n, product in enumerate(products)
    )
    assert list(product_list()) == []  # bulk_create sends no signals
    listing.rebuild()
    assert len(product_list()) == 30
    assert_shelves_right()
    listing.rebuild()  # again: the same shelves
    assert_shelves_right()


def test_changed_price_ranges_rebuild_the_shelves_on_the_next_read(settings):
    category = CategoryFactory()
    for price in ("5.00", "20.00", "80.00"):
        VariantFactory(product__category=category, price=Decimal(price))
    assert set(Shelf.objects.values_list("cuts", flat=True)) == {"10,25,50,100"}
    settings.SHOP_PRICE_FACETS = [50]
    shelves = listing.shelves()
    assert {(shelf.price_range, shelf.products) for shelf in shelves} == {(0, 2), (1, 1)}
    assert set(Shelf.objects.values_list("cuts", flat=True)) == {"50"}
    assert_shelves_right()


def test_the_list_page_counts_no_products_it_can_add_up_from_the_shelves(client):
    category = CategoryFactory()
    for price in ("5.00", "20.00", "80.00"):
        VariantFactory(product__category=category, price=Decimal(price))
    for url in ("/", f"/?category={category.slug}&price=10-25&in_stock=on&ordering=price"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        reads = [
            query["sql"] for query in queries.captured_queries if 'FROM "catalogue_product" ' in query["sql"]
        ]
        assert len(reads) == 1 and " LIMIT " in reads[0], reads  # the page, no count of the products
    assert response.context["paginator"].count == 1
    assert [product.price_from for product in response.context["products"]] == [Decimal("20.00")]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_and_edits_keep_every_product_on_one_shelf():
    """The last unit of eight products of one category bought at once (all move between the same two
    shelves), while staff change the price of two of those variants in the admin (in a transaction, as
    the admin saves) and deactivate a third product: no deadlock, no lost move."""
    category = CategoryFactory()
    lasts = [VariantFactory(product__category=category, in_stock=1) for _ in range(8)]

    @transaction.atomic
    def edit_price(variant: Variant) -> None:
        variant = Variant.objects.get(pk=variant.pk)
        variant.price = Decimal("4.00")  # into a cheaper price range
        variant.save()

    def deactivate(product: Product) -> None:
        product = Product.objects.get(pk=product.pk)
        product.is_active = False
        product.save()

    attempts = [partial(stock.allocate, [(variant.pk, 1)]) for variant in lasts]
    attempts += [
        partial(edit_price, lasts[0]),
        partial(edit_price, lasts[1]),
        partial(deactivate, lasts[2].product),
    ]
    outcomes = run_all_at_once(attempts)
    assert outcomes == [None] * len(attempts), outcomes
    assert_shelves_right()
    assert Product.objects.filter(has_stock=True).count() == 0
