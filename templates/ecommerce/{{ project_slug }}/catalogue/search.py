"""Catalogue search: which products match what a visitor typed, and how well.

The engine is chosen per query by the database in use (``connection.vendor``), so one project runs on
either:

- **PostgreSQL**: full-text search on the name (weight A) and the description (weight B) with
  ``websearch_to_tsquery`` (``"exact phrase"``, ``-word`` and ``or`` work), ranked by ``ts_rank``, plus
  pg_trgm's word similarity on the name so that a typo still finds the product ("yirgachefe" finds
  "Yirgacheffe"). Both are served by GIN indexes (migration ``catalogue.0004``).
- **SQLite** (and any other database): every word must appear in the name or the description
  (``icontains``, case-insensitive for ASCII letters only); products whose name matches come first.

On both, a product whose name is exactly the query comes first, a SKU typed in full finds its product,
and a category's name finds the products in it and below it (after those whose own text matches).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

from .models import Category, Product, Variant

#: The text-search configuration (stemming, stop words) of the index and of every query. The index in
#: migration ``catalogue.0004`` is built for this one: change both together, in a new migration.
SEARCH_CONFIG = "english"
#: Words of a query the SQLite fallback looks for (each one is a ``LIKE`` over every product).
MAX_WORDS = 8


def search_vector() -> SearchVector:
    """The document searched on PostgreSQL; the same expression as the GIN index, so the index serves it."""
    return SearchVector("name", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "description", weight="B", config=SEARCH_CONFIG
    )


def search(products: QuerySet[Product], text: str) -> QuerySet[Product]:
    """``products`` that match ``text``, with a ``relevance`` alias (higher is better) to order them by."""
    return searcher(text)(products)


def searcher(text: str) -> Callable[[QuerySet[Product]], QuerySet[Product]]:
    """``search`` for ``text`` as a function of the products, its short reads done once: several querysets
    (a list's facets) filtered by one search read the SKUs and categories once."""
    # Read first (short queries): lists of ids let PostgreSQL combine the conditions' indexes, which a
    # subquery in the OR would prevent.
    skus = Variant.objects.filter(sku__iexact=text).order_by()
    by_sku = Q(pk__in=list(skus.values_list("product", flat=True)))
    by_category = Q(category__in=_categories_named(text))
    exact_name = Case(When(name__iexact=text, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        # An exact name outweighs any rank (ts_rank and similarity are both at most 1).
        relevance = (
            exact_name * Value(10.0)
            + SearchRank(search_vector(), query)
            + TrigramWordSimilarity(Value(text), "name")
        )

        def full_text(products: QuerySet[Product]) -> QuerySet[Product]:
            products = products.alias(document=search_vector()).filter(
                Q(document=query) | Q(TrigramWordSimilar(F("name"), Value(text))) | by_sku | by_category
            )
            return products.alias(relevance=relevance)

        return full_text
    words = text.split()[:MAX_WORDS]
    in_text = Q()
    in_name = Q()
    for word in words:
        in_text &= Q(name__icontains=word) | Q(description__icontains=word)
        in_name &= Q(name__icontains=word)
    relevance = exact_name * Value(10.0) + Case(
        When(name__icontains=text, then=Value(2.0)),
        When(in_name, then=Value(1.0)),
        When(in_text, then=Value(0.5)),  # in the description; 0: only by SKU or category
        default=Value(0.0),
        output_field=FloatField(),
    )
    return lambda products: products.filter(in_text | by_sku | by_category).alias(relevance=relevance)


def _categories_named(text: str) -> list[int]:
    """The categories named ``text`` (in any case) and every category below them (one query)."""
    categories = list(Category.objects.order_by().values_list("pk", "parent_id", "name"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id, _ in categories:
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [pk for pk, _, name in categories if name.casefold() == text.casefold()]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found
