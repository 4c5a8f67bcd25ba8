"""All the shop's money arithmetic. Amounts are ``Decimal`` (never ``float``) and are rounded where this
module says: each line to cents (half up), then subtotal - discount + shipping, which needs no rounding;
the tax on that sum is rounded once, half up, for the whole order.

A voucher's discount (``vouchers.py`` decides which applies) comes off the goods, never more than they
cost; shipping is free when the goods, after the discount, cost at least ``SHOP_FREE_SHIPPING_OVER``.

Tax (``SHOP_TAX_RATE`` percent, 0 for none) is either included in the prices (gross prices, as EU VAT: the
total stays, the tax is the part of it that is tax) or added on top (net prices, as US sales tax).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def money(amount: Decimal | int | str) -> Decimal:
    """``amount`` as a ``Decimal`` rounded half up to cents: ``money("2.345") == Decimal("2.35")``."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return money(unit_price * quantity)


@dataclass(frozen=True)
class TaxRule:
    rate: Decimal  # percent: Decimal("20") is 20 %
    included: bool  # the prices already include the tax

    @classmethod
    def from_settings(cls) -> TaxRule:
        from django.conf import settings

        return cls(rate=parse_rate(settings.SHOP_TAX_RATE), included=settings.SHOP_PRICES_INCLUDE_TAX)

    def tax_on(self, amount: Decimal) -> Decimal:
        """The tax in ``amount``: the part of it that is tax (included), or what is added to it."""
        if not self.rate:
            return ZERO
        if self.included:
            return money(amount - amount * HUNDRED / (HUNDRED + self.rate))
        return money(amount * self.rate / HUNDRED)


NO_TAX = TaxRule(rate=ZERO, included=True)


def parse_rate(value: object) -> Decimal:
    """A tax rate in percent, from 0 up to (not including) 100; ``ValueError`` with the reason otherwise."""
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number (write a percentage such as 20 or 7.25).") from None
    if not rate.is_finite() or not ZERO <= rate < HUNDRED:
        raise ValueError(f"{value!r} is not a percentage from 0 up to 100.")
    return rate


def discount_on(
    subtotal: Decimal, *, percent: Decimal | None = None, amount: Decimal | None = None
) -> Decimal:
    """What a voucher takes off ``subtotal``: ``percent`` of it (rounded half up to cents) or ``amount``,
    never more than ``subtotal`` itself."""
    off = money(subtotal * percent / HUNDRED) if percent is not None else money(amount or ZERO)
    return min(max(off, ZERO), subtotal)


def free_shipping_threshold() -> Decimal | None:
    """``SHOP_FREE_SHIPPING_OVER`` as an amount (``None``: shipping is never free)."""
    from django.conf import settings

    return parse_threshold(settings.SHOP_FREE_SHIPPING_OVER)


def parse_threshold(value: object) -> Decimal | None:
    """An amount from 0 up, or ``None`` for empty; ``ValueError`` with the reason otherwise."""
    if value is None or str(value).strip() == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount (write one such as 50 or 49.90).") from None
    if not amount.is_finite() or amount < ZERO:
        raise ValueError(f"{value!r} is not an amount of 0 or more.")
    return money(amount)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal  # in the total when ``tax_included``, added to it otherwise
    total: Decimal
    tax_rate: Decimal = ZERO
    tax_included: bool = True
    discount: Decimal = ZERO  # taken off the subtotal
    free_shipping: bool = False  # the goods reached the free-shipping threshold


def totals(
    lines: Iterable[tuple[Decimal, int]],
    shipping: Decimal | None = None,
    tax: TaxRule = NO_TAX,
    *,
    discount: Callable[[Decimal], Decimal] | None = None,
    free_shipping_over: Decimal | None = None,
) -> Totals:
    """Totals of (unit price, quantity) lines, less ``discount(subtotal)`` (a voucher's), plus a shipping
    price (none chosen yet: zero; free when the discounted goods cost ``free_shipping_over`` or more),
    taxed by ``tax`` (shipping is taxed like the goods)."""
    subtotal = sum((line_total(price, quantity) for price, quantity in lines), ZERO)
    off = min(discount(subtotal), subtotal) if discount else ZERO
    free = free_shipping_over is not None and subtotal > ZERO and subtotal - off >= free_shipping_over
    shipping = money(shipping) if shipping is not None and not free else ZERO
    taxed = tax.tax_on(subtotal - off + shipping)
    total = subtotal - off + shipping + (ZERO if tax.included else taxed)
    return Totals(
        subtotal=subtotal,
        shipping=shipping,
        tax=taxed,
        total=total,
        tax_rate=tax.rate,
        tax_included=tax.included,
        discount=off,
        free_shipping=free,
    )
