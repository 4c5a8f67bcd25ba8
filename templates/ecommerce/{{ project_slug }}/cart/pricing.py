"""All the shop's money arithmetic. Amounts are ``Decimal`` (never ``float``) and are rounded once, where
this module says: each line to cents (half up), then subtotal + shipping = total, which need no rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(amount: Decimal | int | str) -> Decimal:
    """``amount`` as a ``Decimal`` rounded half up to cents: ``money("2.345") == Decimal("2.35")``."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return money(unit_price * quantity)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    total: Decimal


def totals(lines: Iterable[tuple[Decimal, int]], shipping: Decimal | None = None) -> Totals:
    """Totals of (unit price, quantity) lines plus a shipping price (none chosen yet: zero)."""
    subtotal = sum((line_total(price, quantity) for price, quantity in lines), ZERO)
    shipping = money(shipping) if shipping is not None else ZERO
    return Totals(subtotal=subtotal, shipping=shipping, total=subtotal + shipping)
