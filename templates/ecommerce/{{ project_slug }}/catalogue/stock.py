"""Stock movements. Every change of ``Variant.in_stock`` and ``Variant.allocated`` happens here, as one
conditional ``UPDATE`` per variant with ``F()`` expressions: the database compares and changes the row in
one step, so two checkouts can never both take the last unit (the second one's ``UPDATE`` matches no row).

Callers run these inside ``transaction.atomic()``: a failure part-way rolls back the lines done so far.
The products of the lines are locked first, then the variants, each in primary-key order, so two
transactions (and an edit in the admin, ``signals.py``) lock rows in the same order and never deadlock each
other. A movement that changes what can be bought moves the products between the list's shelves
(``listing.py``) in the same transaction.

Stock alerts are decided here too, in the transaction that moved the stock, while the variant's row is
still locked by its ``UPDATE`` (``notify.py`` sends the emails once it commits). Every movement renews the
product list pages of the page cache, which show what is in stock (``signals.py``).

- **Low stock**: a reservation that leaves ``low_stock_threshold`` or fewer units to sell sets
  ``low_stock_alerted`` with a conditional ``UPDATE`` (only where it was not set). Of several checkouts
  crossing the threshold at once, one sees the flag unset: staff get one email. Stock raised above the
  threshold again (a cancelled order, a restock, an edit in the admin) clears the flag: the alert re-arms.
- **Back in stock**: stock raised on a variant that can be sold again, with customers waiting for it
  (``BackInStockSubscription``), hands it to ``alerts.notify_back_in_stock``, which marks each one notified
  with a conditional ``UPDATE`` before emailing it: concurrent restocks email each customer once.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q

from ..core.page_cache import invalidate_pages
from . import listing, notify
from .models import BackInStockSubscription, Variant
from .signals import PAGES

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


def _available() -> F:
    return F("in_stock") - F("allocated")


def _lowered(variant_id: int) -> None:
    """After a reservation: the low-stock alert, once per crossing (the flag is set by one transaction)."""
    crossed = Variant.objects.filter(
        pk=variant_id, low_stock_alerted=False, low_stock_threshold__gte=_available()
    ).update(low_stock_alerted=True)
    if crossed:
        notify.low_stock(variant_id)


def _raised(variant_id: int) -> None:
    """After stock came back: re-arm the low-stock alert if above the threshold again, and tell the customers
    waiting for the variant if it can be sold."""
    Variant.objects.filter(pk=variant_id, low_stock_alerted=True).filter(
        Q(low_stock_threshold__isnull=True) | Q(low_stock_threshold__lt=_available())
    ).update(low_stock_alerted=False)
    waiting = BackInStockSubscription.objects.filter(
        variant_id=variant_id,
        notified_at=None,
        variant__is_active=True,
        variant__in_stock__gt=F("variant__allocated"),
    )
    if waiting.exists():
        notify.back_in_stock(variant_id)


def _name(variant_id: int) -> str:
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    return str(variant) if variant else "This item"


@transaction.atomic
def allocate(lines: Lines) -> None:
    """Reserve stock for a placed order; raises ``StockError`` (and changes nothing) when any line cannot
    be reserved in full."""
    invalidate_pages(PAGES)  # the list pages show what is in stock (once this commits)
    lines = _in_pk_order(lines)
    products = listing.lock_products(variant_ids=[variant_id for variant_id, _ in lines])
    for variant_id, quantity in lines:
        reserved = Variant.objects.filter(
            pk=variant_id, is_active=True, in_stock__gte=F("allocated") + quantity
        ).update(allocated=F("allocated") + quantity)
        if reserved != 1:
            raise StockError(
                variant_id, f"{_name(variant_id)} is sold out (or fewer are left than you asked for)."
            )
        _lowered(variant_id)
    listing.refresh(products)


@transaction.atomic
def release(lines: Lines) -> None:
    """Give back the stock reserved by an order that will not ship (cancelled)."""
    invalidate_pages(PAGES)  # the list pages show what is in stock (once this commits)
    lines = _in_pk_order(lines)
    products = listing.lock_products(variant_ids=[variant_id for variant_id, _ in lines])
    for variant_id, quantity in lines:
        released = Variant.objects.filter(pk=variant_id, allocated__gte=quantity).update(
            allocated=F("allocated") - quantity
        )
        if released != 1:
            raise StockError(variant_id, f"{_name(variant_id)}: less is reserved than this order holds.")
        _raised(variant_id)
    listing.refresh(products)


@transaction.atomic
def consume(lines: Lines) -> None:
    """The order shipped: its units leave the shelf and their reservation ends (what can be sold stays
    the same: the products keep their place in the list)."""
    invalidate_pages(PAGES)  # the list pages show what is in stock (once this commits)
    for variant_id, quantity in _in_pk_order(lines):
        shipped = Variant.objects.filter(pk=variant_id, allocated__gte=quantity).update(
            in_stock=F("in_stock") - quantity, allocated=F("allocated") - quantity
        )
        if shipped != 1:
            raise StockError(variant_id, f"{_name(variant_id)}: less is reserved than this order holds.")


@transaction.atomic
def restock(lines: Lines) -> None:
    """Units put (back) on the shelf: a delivery, an approved return (``orders/returns.py``)."""
    invalidate_pages(PAGES)  # the list pages show what is in stock (once this commits)
    lines = _in_pk_order(lines)
    products = listing.lock_products(variant_ids=[variant_id for variant_id, _ in lines])
    for variant_id, quantity in lines:
        if Variant.objects.filter(pk=variant_id).update(in_stock=F("in_stock") + quantity) != 1:
            raise StockError(variant_id, "This item does not exist (any more).")
        _raised(variant_id)
    listing.refresh(products)


@transaction.atomic
def edited(variant_ids: Iterable[int]) -> None:
    """Staff saved variants in the admin (their stock, threshold or active flag; the admin's transaction
    holds their rows): re-arm low-stock alerts and tell waiting customers, as any raise of the stock does.
    Lowering the stock there sends no low-stock email: staff are looking at it."""
    for variant_id in sorted(set(variant_ids)):
        _raised(variant_id)
