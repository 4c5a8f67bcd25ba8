"""Stock movements. Every change of ``Variant.in_stock`` and ``Variant.allocated`` happens here, as one
conditional ``UPDATE`` per variant with ``F()`` expressions: the database compares and changes the row in
one step, so two checkouts can never both take the last unit (the second one's ``UPDATE`` matches no row).

Callers run these inside ``transaction.atomic()``: a failure part-way rolls back the lines done so far.
Variants are updated in primary-key order, so two transactions lock rows in the same order and never
deadlock each other.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from .models import Variant

#: (variant primary key, quantity) pairs.
Lines = Iterable[tuple[int, int]]


class StockError(Exception):
    """A stock movement that cannot happen; nothing was changed."""

    def __init__(self, variant_id: int, message: str) -> None:
        super().__init__(message)
        self.variant_id = variant_id
        self.message = message


def _in_pk_order(lines: Lines) -> list[tuple[int, int]]:
    merged: dict[int, int] = {}
    for variant_id, quantity in lines:
        if quantity < 1:
            raise StockError(variant_id, "Quantities must be at least 1.")
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    return sorted(merged.items())


def _name(variant_id: int) -> str:
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    return str(variant) if variant else "This item"


@transaction.atomic
def allocate(lines: Lines) -> None:
    """Reserve stock for a placed order; raises ``StockError`` (and changes nothing) when any line cannot
    be reserved in full."""
    for variant_id, quantity in _in_pk_order(lines):
        reserved = Variant.objects.filter(
            pk=variant_id, is_active=True, in_stock__gte=F("allocated") + quantity
        ).update(allocated=F("allocated") + quantity)
        if reserved != 1:
            raise StockError(
                variant_id, f"{_name(variant_id)} is sold out (or fewer are left than you asked for)."
            )


@transaction.atomic
def release(lines: Lines) -> None:
    """Give back the stock reserved by an order that will not ship (cancelled)."""
    for variant_id, quantity in _in_pk_order(lines):
        released = Variant.objects.filter(pk=variant_id, allocated__gte=quantity).update(
            allocated=F("allocated") - quantity
        )
        if released != 1:
            raise StockError(variant_id, f"{_name(variant_id)}: less is reserved than this order holds.")


@transaction.atomic
def consume(lines: Lines) -> None:
    """The order shipped: its units leave the shelf and their reservation ends."""
    for variant_id, quantity in _in_pk_order(lines):
        shipped = Variant.objects.filter(pk=variant_id, allocated__gte=quantity).update(
            in_stock=F("in_stock") - quantity, allocated=F("allocated") - quantity
        )
        if shipped != 1:
            raise StockError(variant_id, f"{_name(variant_id)}: less is reserved than this order holds.")


@transaction.atomic
def restock(lines: Lines) -> None:
    """Units that were shipped came back (an approved return, ``orders/returns.py``): on the shelf again."""
    for variant_id, quantity in _in_pk_order(lines):
        Variant.objects.filter(pk=variant_id).update(in_stock=F("in_stock") + quantity)
