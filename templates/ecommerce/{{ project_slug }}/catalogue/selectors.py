"""Reads of the catalogue, shared by the pages and the API: each list is a fixed number of queries, however
many products there are."""

from __future__ import annotations

from django.db.models import Aggregate, Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from .models import Category, Product, ProductImage, Variant

#: ``?ordering=`` values of the product list and the field each sorts on.
ORDERINGS = {
    "name": "name",
    "price": "price_from",
    "-price": "-price_from",
    "newest": "-created_at",
}


def category_with_descendants(category: Category) -> list[int]:
    """The primary keys of ``category`` and every category below it (one query, however deep)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
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


def product_list(
    *, category: Category | None = None, search: str = "", ordering: str = "name"
) -> QuerySet[Product]:
    """Active products that have something to sell, with ``price_from`` (the cheapest active variant),
    ``available`` (the units their active variants can still sell), their category and their first image."""
    products = (
        Product.objects.active()
        .filter(Exists(active_variants().filter(product=OuterRef("pk"))))
        .annotate(
            price_from=_per_product(Min("price")),
            num_variants=_per_product(Count("pk")),
            available=_per_product(Sum(F("in_stock") - F("allocated"))),
        )
        .select_related("category")
        .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")))
    )
    if category is not None:
        products = products.filter(category__in=category_with_descendants(category))
    if search:
        by_sku = Variant.objects.filter(sku__iexact=search).values("product")
        products = products.filter(
            Q(name__icontains=search) | Q(description__icontains=search) | Q(pk__in=by_sku)
        )
    return products.order_by(ORDERINGS.get(ordering, "name"), "pk")


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
