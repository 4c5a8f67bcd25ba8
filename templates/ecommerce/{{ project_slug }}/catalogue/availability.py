"""The one answer to "can this quantity of this variant be bought?" (pages, forms, the cart, checkout and
the API all ask here). The stock allocation in ``stock.py`` enforces the same rule in the database."""

from __future__ import annotations

from django.conf import settings

from .models import Variant


def purchase_problem(variant: Variant, quantity: int) -> str | None:
    """Why ``quantity`` units of ``variant`` cannot be bought, or ``None`` when they can.

    The variant's product must be loaded (``select_related("product")``) to avoid a query.
    """
    if not variant.is_active or not variant.product.is_active:
        return f"{variant} is no longer sold."
    if quantity < 1:
        return "The quantity must be at least 1."
    limit = settings.SHOP_MAX_QUANTITY_PER_LINE
    if quantity > limit:
        return f"You can buy at most {limit} of {variant} at a time."
    available = variant.available
    if available == 0:
        return f"{variant} is sold out."
    if quantity > available:
        return f"Only {available} of {variant} left in stock."
    return None


def is_purchasable(variant: Variant, quantity: int = 1) -> bool:
    return purchase_problem(variant, quantity) is None
