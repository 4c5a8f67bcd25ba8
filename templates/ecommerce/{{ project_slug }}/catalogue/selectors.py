"""Reads of the catalogue, shared by the pages and the API: each list is a fixed number of queries, however
many products there are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.conf import settings
from django.db.models import Aggregate, Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

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


@dataclass(frozen=True)
class PriceRange:
    """One choice of the price facet: the cheapest active variant costs at least ``low`` and less than
    ``high`` (``None``: no bound). ``key`` is its ``?price=`` value, e.g. ``10-25``, ``-10``, ``100-``."""

    low: Decimal | None
    high: Decimal | None

    @property
    def key(self) -> str:
        return f"{self.low if self.low is not None else ''}-{self.high if self.high is not None else ''}"

    def q(self, field: str) -> Q:
        bounds = Q()
        if self.low is not None:
            bounds &= Q(**{f"{field}__gte": self.low})
        if self.high is not None:
            bounds &= Q(**{f"{field}__lt": self.high})
        return bounds


def price_ranges() -> list[PriceRange]:
    """The price facet's ranges, cut at ``SHOP_PRICE_FACETS`` (amounts in ``SHOP_CURRENCY``)."""
    cuts: list[Decimal | None] = [
        None,
        *sorted(Decimal(str(cut)) for cut in settings.SHOP_PRICE_FACETS),
        None,
    ]
    return [PriceRange(low, high) for low, high in pairwise(cuts)]


def _in_stock() -> Exists:
    return Exists(active_variants().filter(product=OuterRef("pk"), in_stock__gt=F("allocated")))


def _matching(
    *,
    category_ids: list[int] | None = None,
    search: str | Callable[[QuerySet[Product]], QuerySet[Product]] = "",
    price: PriceRange | None = None,
    in_stock: bool = False,
) -> QuerySet[Product]:
    """Active products that have something to sell and pass every filter given (no annotations, no order).
    ``search`` is the text searched, or its ``searcher`` (read once for several querysets)."""
    products = Product.objects.active().filter(Exists(active_variants().filter(product=OuterRef("pk"))))
    if category_ids is not None:
        products = products.filter(category__in=category_ids)
    if price is not None:
        products = products.alias(cheapest=_per_product(Min("price"))).filter(price.q("cheapest"))
    if in_stock:
        products = products.filter(_in_stock())
    if search:
        products = (searcher(search) if isinstance(search, str) else search)(products)
    return products


def product_list(
    *,
    category: Category | None = None,
    search: str = "",
    ordering: str = "name",
    price: PriceRange | None = None,
    in_stock: bool = False,
) -> QuerySet[Product]:
    """Active products that have something to sell, with ``price_from`` (the cheapest active variant),
    ``available`` (the units their active variants can still sell), their category and their first image.

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
            price_from=_per_product(Min("price")),
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
    """How many products each choice of a facet would show, the other filters staying as they are."""

    categories: list[tuple[Category, int, int]]  #: (category, depth, products in it and below it)
    prices: list[tuple[PriceRange, int]]
    in_stock: int


def product_facets(
    *,
    tree: list[tuple[Category, int]],
    category: Category | None = None,
    search: str = "",
    price: PriceRange | None = None,
    in_stock: bool = False,
) -> Facets:
    """The counts of every facet in at most three queries, however many products and categories there are.

    ``tree`` is ``category_tree()`` (the page has it already). Each facet is counted with the other
    filters applied and its own left out, so choosing a price range does not hide the other ranges.

    Where two facets count the same products they share a query: with no category chosen, "in stock
    only" counts the products the categories count (those in stock among them), so the unfiltered list
    takes two queries; and when the categories count nothing with no price range chosen, nothing can
    match the other facets either (they count subsets of those products), so a search that finds
    nothing, or an empty shop, takes one (plus a search's own two short reads, done once)."""
    searched = searcher(search) if search else ""
    counted = _matching(search=searched, price=price, in_stock=in_stock).order_by().values_list("category")
    if category is None and not in_stock:  # "in stock only" counts these products, those in stock
        rows = list(counted.annotate(count=Count("pk"), stocked=Count("pk", filter=Q(_in_stock()))))
        available: int | None = sum(stocked for _, _, stocked in rows)
    else:
        rows = list(counted.annotate(count=Count("pk")))
        available = sum(count for _, count, *_ in rows) if category is None else None  # in_stock: the same
    counts = {row[0]: row[1] for row in rows}
    below: dict[int, int] = {}
    parents = {item.pk: item.parent_id for item, _ in tree}
    for category_id, count in counts.items():
        while category_id is not None:  # a product counts for its category and every category above it
            below[category_id] = below.get(category_id, 0) + count
            category_id = parents.get(category_id)
    ranges = price_ranges()
    if not counts and price is None:  # the products of every other facet are among these: none
        return Facets(
            categories=[(item, depth, 0) for item, depth in tree],
            prices=[(item, 0) for item in ranges],
            in_stock=0,
        )
    category_ids = None
    if category is not None:
        category_ids = category_with_descendants(category, tree)
    # The cheapest active variant of each matching product, in one pass over the variants (grouped), then
    # counted per range: a subquery per product would run once for every range.
    cheapest = (
        Variant.objects.filter(
            is_active=True,
            product__in=_matching(category_ids=category_ids, search=searched, in_stock=in_stock).values("pk"),
        )
        .order_by()
        .values("product")
        .annotate(cheapest=Min("price"))
    )
    by_range = cheapest.aggregate(
        **{f"range_{n}": Count("product", filter=item.q("cheapest")) for n, item in enumerate(ranges)}
    )
    if available is None:
        matching = _matching(category_ids=category_ids, search=searched, price=price)
        available = matching.filter(_in_stock()).count()
    return Facets(
        categories=[(item, depth, below.get(item.pk, 0)) for item, depth in tree],
        prices=[(item, by_range[f"range_{n}"]) for n, item in enumerate(ranges)],
        in_stock=available,
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
