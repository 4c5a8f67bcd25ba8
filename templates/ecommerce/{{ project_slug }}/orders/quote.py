"""What the customer confirms by placing an order: the summary they were shown, as a ``Quote`` (each line's
variant, unit price and quantity, the shipping method and its price, the voucher's discount, the total, and
the version of the cart it was made from).

The checkout page signs its quote into a hidden field; the API builds one from the lines and the total the
client sends. ``checkout.place_order`` compares it with the cart as it is when the order is placed, line by
line: comparing only the total would let two changes that cancel out through, at prices the customer never
saw. ``changes`` says what differs, in words for the customer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing

from ..cart.currency import format_money
from ..cart.models import Cart
from ..cart.services import CartView
from .models import ShippingMethod

SALT = "orders.quote"


class BadQuote(ValueError):
    """A quote that was not made by this site (or by another secret key): the page must be reloaded."""


@dataclass(frozen=True)
class QuotedLine:
    variant_id: int
    unit_price: Decimal
    quantity: int


@dataclass(frozen=True)
class Quote:
    lines: tuple[QuotedLine, ...]
    total: Decimal
    #: The shipping method and price the summary was shown with (``None``: the client confirmed the total
    #: only, which includes the shipping).
    shipping_method_id: int | None = None
    shipping: Decimal | None = None
    #: The cart's ``version`` when the summary was shown (``None``: not known to the client).
    cart_version: int | None = None
    #: The voucher's discount the summary was shown with (``None``: the client confirmed the total only).
    discount: Decimal | None = None

    def sign(self) -> str:
        data = {
            "lines": [[line.variant_id, str(line.unit_price), line.quantity] for line in self.lines],
            "total": str(self.total),
            "method": self.shipping_method_id,
            "shipping": None if self.shipping is None else str(self.shipping),
            "version": self.cart_version,
            "discount": None if self.discount is None else str(self.discount),
        }
        return signing.dumps(data, salt=SALT, compress=True)

    @classmethod
    def unsign(cls, value: str) -> Quote:
        try:
            data: dict[str, Any] = signing.loads(value, salt=SALT)
            return cls(
                lines=tuple(
                    QuotedLine(int(variant_id), Decimal(price), int(quantity))
                    for variant_id, price, quantity in data["lines"]
                ),
                total=Decimal(data["total"]),
                shipping_method_id=data["method"],
                shipping=None if data["shipping"] is None else Decimal(data["shipping"]),
                cart_version=data["version"],
                discount=None if data.get("discount") is None else Decimal(data["discount"]),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise BadQuote("This checkout page is not valid any more.") from error


def quote_of(summary: CartView, shipping_method: ShippingMethod | None, cart: Cart | None) -> Quote:
    """The quote of ``summary``: what the checkout page shows."""
    return Quote(
        lines=tuple(QuotedLine(line.variant_id, line.variant.price, line.quantity) for line in summary.lines),
        total=summary.totals.total,
        shipping_method_id=shipping_method.pk if shipping_method else None,
        shipping=summary.totals.shipping,
        cart_version=cart.version if cart else None,
        discount=summary.totals.discount,
    )


def changes(seen: Quote, now: Quote, names: Mapping[int, str]) -> tuple[bool, list[str]]:
    """What differs between the quote the customer saw and the one of their cart now, in words; and whether
    a price differs (rather than only the cart's contents). ``names`` maps variant ids to their names."""
    found: list[str] = []
    before: dict[int, QuotedLine] = {}
    for line in seen.lines:  # a cart holds one line per variant
        if line.variant_id in before:
            found.append(f"{names.get(line.variant_id, 'An item')} is listed more than once")
        before[line.variant_id] = line
    after = {line.variant_id: line for line in now.lines}
    price_changed = False
    for variant_id in [*after, *(pk for pk in before if pk not in after)]:
        old, new = before.get(variant_id), after.get(variant_id)
        name = names.get(variant_id, "An item")
        if new is None:
            found.append(f"{name} is no longer in your cart")
        elif old is None:
            found.append(f"{name} was added ({new.quantity} at {format_money(new.unit_price)})")
        else:
            if old.unit_price != new.unit_price:
                price_changed = True
                now_costs, cost = format_money(new.unit_price), format_money(old.unit_price)
                found.append(f"{name} now costs {now_costs}, not {cost}")
            if old.quantity != new.quantity:
                found.append(f"{name}: the quantity is now {new.quantity}, not {old.quantity}")
    if seen.shipping is not None and seen.shipping != now.shipping:
        price_changed = True
        found.append(f"shipping now costs {format_money(now.shipping)}, not {format_money(seen.shipping)}")
    if seen.discount is not None and seen.discount != now.discount:
        price_changed = True
        found.append(
            f"the voucher takes {format_money(now.discount or 0)} off, not {format_money(seen.discount)}"
        )
    if seen.total != now.total:
        price_changed = price_changed or not found  # e.g. the tax rate changed
        found.append(f"the total is now {format_money(now.total)}, not {format_money(seen.total)}")
    return price_changed, found
