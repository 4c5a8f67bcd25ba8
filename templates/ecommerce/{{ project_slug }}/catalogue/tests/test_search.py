"""Catalogue search (catalogue/search.py) and the product list's facets (selectors.product_facets)."""

import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ...core.tests.concurrency import postgresql_only
from ..listing import price_ranges
from ..models import Product
from ..search import search
from ..selectors import category_tree, category_with_descendants, product_facets, product_list
from .factories import CategoryFactory, VariantFactory
from .test_views import add_products, names

pytestmark = pytest.mark.django_db


def product(name: str, description: str = "", **variant) -> None:
    VariantFactory(product__name=name, product__description=description, **variant)


def test_an_exact_name_comes_first_then_names_before_descriptions(client):
    product("Mug rack", "Holds six cups")
    product("Kettle", "Boils water for a mug of tea")
    product("Mug", "Stoneware")
    product("Blue mug", "Stoneware")
    found = names(client.get("/?q=mug"))
    assert found[0] == "Mug"
    assert set(found[1:3]) == {"Mug rack", "Blue mug"}
    assert found[3] == "Kettle"  # only its description says "mug"
    assert client.get("/?q=mug").context["ordering"] == "relevance"
    assert names(client.get("/?q=mug&ordering=name")) == ["Blue mug", "Kettle", "Mug", "Mug rack"]


def test_every_word_is_found_in_the_name_or_the_description(client):
    product("Blue mug", "Stoneware, dishwasher safe")
    product("Blue teapot", "Cast iron")
    assert names(client.get("/?q=stoneware blue")) == ["Blue mug"]
    assert sorted(names(client.get("/?q=BLUE"))) == ["Blue mug", "Blue teapot"]
    assert names(client.get("/?q=blue saucer")) == []


@postgresql_only
def test_a_typo_still_finds_the_product_on_postgresql(client):
    product("Ethiopia Yirgacheffe", "Washed coffee with notes of jasmine")
    product("Colombia Huila", "Caramel and red apple")
    assert names(client.get("/?q=yirgachefe")) == ["Ethiopia Yirgacheffe"]
    assert names(client.get("/?q=colombia hulia")) == ["Colombia Huila"]
    assert names(client.get("/?q=jasmin")) == ["Ethiopia Yirgacheffe"]  # stemmed: jasmine, jasmin


@postgresql_only
def test_the_search_indexes_serve_the_search():
    product("Ethiopia Yirgacheffe")
    sql, params = search(Product.objects.all(), "yirgachefe").query.sql_with_params()
    with connection.cursor() as cursor:
        # Only the search's own indexes can find the rows now (a bitmap scan needs an index condition).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The query's document is the index's expression, and the typo branch reads the trigram index.
    assert "Bitmap Index Scan on catalogue_product_search_idx" in plan, plan
    assert "Bitmap Index Scan on catalogue_product_name_trgm_idx" in plan, plan


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the fallback of other databases")
def test_the_fallback_matches_words_not_typos(client):
    product("Ethiopia Yirgacheffe", "Washed coffee")
    assert names(client.get("/?q=yirgach")) == ["Ethiopia Yirgacheffe"]  # part of a word is enough
    assert names(client.get("/?q=yirgachefe")) == []


def test_facets_filter_and_count_each_with_the_other_filters(client):
    coffee = CategoryFactory(name="Coffee")
    beans = CategoryFactory(name="Beans", parent=coffee)
    tools = CategoryFactory(name="Tools")
    product("Cheap beans", "Coffee beans", product__category=beans, price=Decimal("6.00"))
    product("Fine beans", "Coffee beans", product__category=beans, price=Decimal("18.00"), in_stock=0)
    product("Grinder", "For coffee beans", product__category=tools, price=Decimal("120.00"))
    product("Kettle", "For water", product__category=tools, price=Decimal("40.00"))

    response = client.get("/")
    facets = response.context["facets"]
    counts = {item.name: count for item, _, count in facets.categories}
    assert counts == {"Coffee": 2, "Beans": 2, "Tools": 2}
    assert [(item.key, count) for item, count in facets.prices] == [
        ("-10", 1),
        ("10-25", 1),
        ("25-50", 1),
        ("50-100", 0),
        ("100-", 1),
    ]
    assert facets.in_stock == 3

    response = client.get(f"/?q=beans&category={coffee.slug}&in_stock=on")
    assert names(response) == ["Cheap beans"]
    facets = response.context["facets"]
    # Categories counted without the category filter, prices without the price filter…
    assert {item.name: count for item, _, count in facets.categories} == {"Coffee": 1, "Beans": 1, "Tools": 1}
    assert [count for _, count in facets.prices] == [1, 0, 0, 0, 0]
    assert facets.in_stock == 1  # … and availability without its own: "Fine beans" is sold out
    assert names(client.get(f"/?category={coffee.slug}")) == ["Cheap beans", "Fine beans"]
    assert names(client.get("/?price=10-25")) == ["Fine beans"]
    assert names(client.get("/?price=100-&q=beans")) == ["Grinder"]
    content = client.get("/?price=25-50").content.decode()
    assert 'name="price" value="25-50" checked' in content
    assert "(1)" in content


def test_the_price_facet_uses_the_cheapest_active_variant(client, settings):
    settings.SHOP_PRICE_FACETS = [5, 50]
    cheap = VariantFactory(product__name="Two sizes", price=Decimal("60.00"))
    VariantFactory(product=cheap.product, price=Decimal("4.00"))
    VariantFactory(product=cheap.product, price=Decimal("20.00"), is_active=False)
    assert names(client.get("/?price=-5")) == ["Two sizes"]
    assert names(client.get("/?price=5-50")) == []
    assert [count for _, count in client.get("/").context["facets"].prices] == [1, 0, 0]


@pytest.mark.parametrize(
    "query", ["price=abc", "price=10-", "price=%00", "in_stock=maybe&price=-1", "ordering=relevance"]
)
def test_filters_that_cannot_be_read_are_left_out_with_a_reason(client, query):
    product("Mug", price=Decimal("12.00"))
    response = client.get(f"/?{query}")
    assert response.status_code in (200, 400)  # 400: text the database cannot store (NUL), refused early
    if response.status_code == 200:
        assert names(response) == ["Mug"]
        if "price" in query:
            assert "data-refusal" in response.content.decode()
            assert response.context["price"] is None


def test_facets_added_up_from_the_shelves_count_what_each_facet_counts_alone():
    """``product_facets`` adds up the shelves (``listing.py``) in one query, or counts a search's matches per
    shelf in one more: every combination of filters gives the counts of the facets' definition, each facet
    counted alone over the products the other filters keep, and the list's own count."""
    coffee = CategoryFactory(name="Coffee")
    beans = CategoryFactory(name="Beans", parent=coffee)
    tools = CategoryFactory(name="Tools")
    CategoryFactory(name="Empty")
    product("Cheap beans", "Coffee beans", product__category=beans, price=Decimal("6.00"))
    product("Fine beans", "Coffee beans", product__category=beans, price=Decimal("18.00"), in_stock=0)
    product("Grinder", "For coffee beans", product__category=tools, price=Decimal("120.00"))
    product("Kettle", "For water", product__category=tools, price=Decimal("40.00"), in_stock=1, allocated=1)
    tree = category_tree()
    ranges = price_ranges()
    texts = ["", "beans", "nothing-like-it"]
    # What each filter keeps, read one filter at a time (``product_list`` with that filter alone).
    shown = {item.pk: item for item in product_list()}
    found = {text: {item.pk for item in product_list(search=text)} for text in texts}
    stocked = {item.pk for item in product_list(in_stock=True)}
    below = {item.pk: set(category_with_descendants(item, tree)) for item, _ in tree}

    def alone(category, text, price, in_stock) -> int:
        return sum(
            pk in found[text]
            and (category is None or item.category_id in below[category.pk])
            and (
                price is None
                or (
                    (price.low or 0) <= item.price_from
                    and (price.high is None or item.price_from < price.high)
                )
            )
            and (not in_stock or pk in stocked)
            for pk, item in shown.items()
        )

    for category, text, price, in_stock in itertools.product(
        [None, coffee], texts, [None, ranges[1], ranges[3]], [False, True]
    ):
        case = (category, text, price, in_stock)
        with CaptureQueriesContext(connection) as queries:
            facets = product_facets(tree=tree, category=category, search=text, price=price, in_stock=in_stock)
        searching = 3 if text else 0  # the SKUs and categories named so, then the matches per shelf
        assert len(queries) == 1 + searching, case
        assert [count for _, _, count in facets.categories] == [
            alone(item, text, price, in_stock) for item, _ in tree
        ], case
        assert [count for _, count in facets.prices] == [
            alone(category, text, item, in_stock) for item in ranges
        ], case
        assert facets.in_stock == alone(category, text, price, True), case
        assert facets.total == alone(category, text, price, in_stock), case


def read_counting_queries(client, url: str):
    """The queries ``url`` takes, and its response."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_facets_keep_the_query_count_constant_at_10_and_100_products(client, settings):
    settings.SHOP_PRODUCTS_PER_PAGE = 50
    counts = {}
    for total in (10, 100):
        add_products(total - Product.objects.count())
        category = CategoryFactory()  # one more category each time: the tree is read at once too
        urls = ("/", f"/?q=bulk&price=-10&in_stock=on&category={category.slug}", "/?q=bulk&price=-10")
        read = [read_counting_queries(client, url) for url in urls]
        counts[total] = [count for count, _ in read]
    assert counts[10] == counts[100], counts
    assert len(read[2][1].context["products"]) == 50  # "/?q=bulk&price=-10" at 100 products


def test_a_category_name_finds_its_products_after_those_that_say_it(client):
    coffee = CategoryFactory(name="Coffee")
    beans = CategoryFactory(name="Whole beans", parent=coffee)
    product("Ethiopia Yirgacheffe", "Washed, light roast", product__category=beans)
    product("Coffee scoop", "Measures a dose", product__category=CategoryFactory(name="Tools"))
    product("Teapot", "Cast iron")
    assert names(client.get("/?q=coffee")) == ["Coffee scoop", "Ethiopia Yirgacheffe"]
    assert names(client.get("/?q=WHOLE BEANS")) == ["Ethiopia Yirgacheffe"]
