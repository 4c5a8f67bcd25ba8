"""Reads of the catalogue, shared by the pages and the API: each list is a fixed number of queries, however
many products there are."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Aggregate, Count, F, OuterRef, Prefetch, QuerySet, Subquery, Sum

from .listing import PriceRange, price_ranges, shelves
from .models import Category, Product, ProductImage, Variant
from .search import searcher

#: ``?ordering=`` values of the product list and the field each sorts on.
ORDERINGS = {
    "name": "name",
    "price": "price_from",
    "-price": "-price_from",
    "newest": "-created_at",
    "relevance": "name",  # the best matches first when searching (product_list), else by name
}


def category_with_descendants(
    category: Category, tree: list[tuple[Category, int]] | None = None
) -> list[int]:
    """The primary keys of ``category`` and every category below it (one query however deep, none when
    given the ``category_tree()`` already loaded)."""
    children: dict[int | None, list[int]] = {}
    pairs = (
        [(item.pk, item.parent_id) for item, _ in tree]
        if tree is not None
        else Category.objects.values_list("pk", "parent_id")
    )
    for pk, parent_id in pairs:
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


def active_variants() -> QuerySet[Variant]:
    return Variant.objects.filter(is_active=True).order_by("price", "pk")


def _per_product(aggregate: Aggregate) -> Subquery:
    """``aggregate`` over the product's active variants: a subquery per product shown, so a page of 24
    products reads the variants of 24 products (a join with GROUP BY would read every product's first)."""
    variants = Variant.objects.filter(product=OuterRef("pk"), is_active=True).order_by().values("product")
    return Subquery(variants.annotate(value=aggregate).values("value"))


def _matching(
    *,
    category_ids: list[int] | None = None,
    search: str = "",
    price: PriceRange | None = None,
    in_stock: bool = False,
) -> QuerySet[Product]:
    """Listed products (``listing.py``: active, with something to sell) that pass every filter given (no
    annotations, no order)."""
    products = Product.objects.active().filter(shelf__isnull=False)
    if category_ids is not None:
        products = products.filter(category__in=category_ids)
    if price is not None:
        products = products.filter(price.q("price_from"))
    if in_stock:
        products = products.filter(has_stock=True)
    if search:
        products = searcher(search)(products)
    return products


def product_list(
    *,
    category: Category | None = None,
    search: str = "",
    ordering: str = "name",
    price: PriceRange | None = None,
    in_stock: bool = False,
) -> QuerySet[Product]:
    """Listed products with ``price_from`` (the cheapest active variant), ``available`` (the units their
    active variants can still sell), their category and their first image.

    ``search`` matches as ``search.py`` says; ``price`` keeps the products whose cheapest variant is in the
    range, ``in_stock`` those with a variant that can be bought now. ``ordering="relevance"`` (with a
    ``search``) puts the best matches first."""
    products = (
        _matching(
            category_ids=category_with_descendants(category) if category is not None else None,
            search=search,
            price=price,
            in_stock=in_stock,
        )
        .annotate(
            num_variants=_per_product(Count("pk")),
            available=_per_product(Sum(F("in_stock") - F("allocated"))),
        )
        .select_related("category")
        .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")))
    )
    if ordering == "relevance" and search:
        return products.order_by(F("relevance").desc(), "name", "pk")
    return products.order_by(ORDERINGS.get(ordering, "name"), "pk")


@dataclass
class Facets:
    """How many products each choice of a facet would show, the other filters staying as they are, and how
    many the list shows."""

    categories: list[tuple[Category, int, int]]  #: (category, depth, products in it and below it)
    prices: list[tuple[PriceRange, int]]
    in_stock: int
    total: int


def product_facets(
    *,
    tree: list[tuple[Category, int]],
    category: Category | None = None,
    search: str = "",
    price: PriceRange | None = None,
    in_stock: bool = False,
) -> Facets:
    """The counts of every facet, and of the list itself, added up from the shelves (``listing.py``): one
    query however many products there are; a search counts its matches per shelf (one more, plus the
    search's own short reads).

    ``tree`` is ``category_tree()`` (the page has it already). Each facet is counted with the other
    filters applied and its own left out, so choosing a price range does not hide the other ranges."""
    counted = [(shelf, shelf.products) for shelf in shelves()]
    if search and counted:
        found = dict(
            _matching(search=search)
            .order_by()
            .values("shelf")
            .annotate(count=Count("pk"))
            .values_list("shelf", "count")
        )
        counted = [(shelf, found.get(shelf.pk, 0)) for shelf, _ in counted]
    ranges = price_ranges()
    chosen = ranges.index(price) if price is not None else None
    inside = set(category_with_descendants(category, tree)) if category is not None else None
    per_category: Counter[int] = Counter()
    per_range: Counter[int] = Counter()
    available = total = 0
    for shelf, count in counted:
        fits_category = inside is None or shelf.category_id in inside
        fits_price = chosen is None or shelf.price_range == chosen
        fits_stock = shelf.in_stock or not in_stock
        if fits_price and fits_stock:
            per_category[shelf.category_id] += count
        if fits_category and fits_stock:
            per_range[shelf.price_range] += count
        if fits_category and fits_price:
            available += count if shelf.in_stock else 0
            total += count if fits_stock else 0
    below: Counter[int] = Counter()
    parents = {item.pk: item.parent_id for item, _ in tree}
    for category_id, count in per_category.items():
        while category_id is not None:  # a product counts for its category and every category above it
            below[category_id] += count
            category_id = parents.get(category_id)
    return Facets(
        categories=[(item, depth, below[item.pk]) for item, depth in tree],
        prices=[(item, per_range[n]) for n, item in enumerate(ranges)],
        in_stock=available,
        total=total,
    )


def product_detail_queryset() -> QuerySet[Product]:
    return (
        Product.objects.active()
        .select_related("category", "category__parent")
        .prefetch_related(
            Prefetch("variants", queryset=active_variants().select_related("product")),
            "images",
        )
    )


def category_tree() -> list[tuple[Category, int]]:
    """Every category with its depth, parents before children, in name order (one query)."""
    categories = list(Category.objects.order_by("name"))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    tree: list[tuple[Category, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in children.get(parent_id, []):
            tree.append((category, depth))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return tree
