"""What the product list knows of each product, kept on the product, and the counts of its facets, kept on
shelves: so that a page of the catalogue costs the same with 100 products or 1,000,000.

A product is *listed* when it is active and has an active variant. A listed product stands on one
``Shelf`` (its category, the price range of its cheapest active variant, whether a variant can be bought
now) and carries ``price_from`` and ``has_stock``; the list filters and sorts on those, and its facets add up
shelves (``selectors.product_facets``).

Everything that can change them calls ``refresh`` in its transaction: saving or deleting a product or a
variant (``signals.py``), every stock movement (``stock.py``) and the admin's bulk actions. ``refresh``
locks the products' rows first (in primary-key order) and reads their variants after: of two transactions
changing one product, the second waits and reads what the first committed, so a product is on exactly one
shelf and each shelf's count is its products. The variant writers lock the product before the variant
(``lock_products``), so a checkout and an edit of the same product wait for each other in one order.

``QuerySet.update()`` and ``bulk_create()`` send no signals: after writing products or variants that way
(an import), call ``refresh`` with their products, or ``rebuild()`` for the whole catalogue (``manage.py
rebuild_listing``). Changing
``SHOP_PRICE_FACETS`` makes every shelf stale; the list rebuilds them on its next read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, Subquery, Value, When

from .models import Product, Shelf, Variant


@dataclass(frozen=True)
class PriceRange:
    """One choice of the price facet: the cheapest active variant costs at least ``low`` and less than
    ``high`` (``None``: no bound). ``key`` is its ``?price=`` value, e.g. ``10-25``, ``-10``, ``100-``."""

    low: Decimal | None
    high: Decimal | None

    @property
    def key(self) -> str:
        return f"{self.low if self.low is not None else ''}-{self.high if self.high is not None else ''}"

    def contains(self, price: Decimal) -> bool:
        return (self.low is None or price >= self.low) and (self.high is None or price < self.high)

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


def cuts_key(ranges: list[PriceRange]) -> str:
    """``Shelf.cuts`` of these ranges, e.g. ``"10,25,50"``."""
    return ",".join(str(item.low) for item in ranges[1:])


def range_of(price: Decimal, ranges: list[PriceRange]) -> int:
    """The number of the range ``price`` falls in."""
    return next(n for n, item in enumerate(ranges) if item.contains(price))


def lock_products(*, variant_ids: Iterable[int] = (), product_ids: Iterable[int] = ()) -> list[int]:
    """Lock the rows of these products and of the products of these variants, in primary-key order; their
    primary keys. Outside a transaction each write commits at once and holds no lock: nothing to order.
    (SQLite lets one writer in at a time: no lock there either.)"""
    of_variants = Variant.objects.filter(pk__in=list(variant_ids)).values("product")
    found = Product.objects.filter(Q(pk__in=list(product_ids)) | Q(pk__in=of_variants)).order_by("pk")
    if not transaction.get_autocommit():
        found = found.select_for_update()
    return list(found.values_list("pk", flat=True))


@transaction.atomic
def refresh(product_ids: Iterable[int], *, leaving: bool = False) -> None:
    """Read again the variants of these products and move each product to its shelf (off every shelf with
    ``leaving``: it is being deleted)."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    products = list(
        Product.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .only("pk", "category_id", "is_active", "shelf_id", "price_from", "has_stock")
    )
    offers = {
        row["product"]: (row["cheapest"], row["stocked"] > 0)
        for row in Variant.objects.filter(product__in=ids, is_active=True)
        .order_by()
        .values("product")
        .annotate(cheapest=Min("price"), stocked=Count("pk", filter=Q(in_stock__gt=F("allocated"))))
    }
    ranges = price_ranges()
    cuts = cuts_key(ranges)
    moves: Counter[int] = Counter()
    shelf_ids: dict[tuple[int, int, bool], int] = {}
    for product in products:
        offer = offers.get(product.pk) if product.is_active and not leaving else None
        shelf_id, price, stocked = None, None, False
        if offer is not None:
            price, stocked = offer
            key = (product.category_id, range_of(price, ranges), stocked)
            if key not in shelf_ids:
                shelf_ids[key] = Shelf.objects.get_or_create(
                    category_id=key[0], cuts=cuts, price_range=key[1], in_stock=key[2]
                )[0].pk
            shelf_id = shelf_ids[key]
        if (shelf_id, price, stocked) == (product.shelf_id, product.price_from, product.has_stock):
            continue
        Product.objects.filter(pk=product.pk).update(shelf=shelf_id, price_from=price, has_stock=stocked)
        if shelf_id != product.shelf_id:
            if product.shelf_id is not None:
                moves[product.shelf_id] -= 1
            if shelf_id is not None:
                moves[shelf_id] += 1
    for shelf_id in sorted(moves):  # in primary-key order, as every writer locks them
        if moves[shelf_id]:
            Shelf.objects.filter(pk=shelf_id).update(products=F("products") + moves[shelf_id])


@transaction.atomic
def rebuild() -> None:
    """Every product's listing and every shelf again, from the variants, under a lock of every product: after
    an import with ``bulk_create()``/``update()``, or when ``SHOP_PRICE_FACETS`` changed. Two statements per
    shelf, and a few for the whole catalogue."""
    list(Product.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    offered = Variant.objects.filter(product=OuterRef("pk"), is_active=True).order_by().values("product")
    Product.objects.update(
        shelf=None,
        price_from=Subquery(offered.annotate(cheapest=Min("price")).values("cheapest")),
        has_stock=Exists(offered.filter(in_stock__gt=F("allocated"))),
    )
    Product.objects.filter(is_active=False).update(price_from=None, has_stock=False)
    Shelf.objects.all().delete()
    ranges = price_ranges()
    cuts = cuts_key(ranges)
    price_range = Case(*(When(item.q("price_from"), then=Value(n)) for n, item in enumerate(ranges)))
    keys = (
        Product.objects.exclude(price_from=None)
        .annotate(price_range=price_range)
        .values("category", "price_range", "has_stock")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for key in keys:
        shelf = Shelf.objects.create(
            category_id=key["category"],
            cuts=cuts,
            price_range=key["price_range"],
            in_stock=key["has_stock"],
            products=key["count"],
        )
        Product.objects.exclude(price_from=None).filter(
            ranges[shelf.price_range].q("price_from"), category=shelf.category_id, has_stock=shelf.in_stock
        ).update(shelf=shelf)


def shelves() -> list[Shelf]:
    """Every shelf with products on it, rebuilt first if ``SHOP_PRICE_FACETS`` changed since they were made
    (one query, or a rebuild once)."""
    found = list(Shelf.objects.filter(products__gt=0).order_by("pk"))
    cuts = cuts_key(price_ranges())
    if any(shelf.cuts != cuts for shelf in found):
        rebuild()
        found = list(Shelf.objects.filter(products__gt=0).order_by("pk"))
    return found
