"""Placing an order: the cart becomes an order in one transaction, or nothing changes at all.

1. The checkout token: placing again with a token that already made an order returns that order
   (a double submit or a retried request never makes a second one).
2. Every line is checked with ``purchase_problem`` and the total is compared with the one the customer
   confirmed (prices may have changed since the summary was shown).
3. The stock of every line is allocated with conditional updates (``catalogue.stock.allocate``); if
   another checkout took the last units first, everything rolls back.
4. The order keeps copies of the address, the shipping method and each line's name, SKU and price.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from ..cart import pricing
from ..cart.models import Cart
from ..cart.services import clear, summarize
from ..catalogue import stock
from .models import Order, OrderLine, ShippingMethod
from .notify import order_placed

ADDRESS_FIELDS = ("email", "full_name", "address_line1", "address_line2", "postcode", "city", "country")


class CheckoutError(Exception):
    """The order cannot be placed; the message is for the customer and nothing was changed."""

    code = "invalid"


class SoldOut(CheckoutError):
    code = "sold_out"


class PricesChanged(CheckoutError):
    code = "prices_changed"


@dataclass(frozen=True)
class Placed:
    order: Order
    created: bool  # False: the token had already placed this order


def place_order(
    *,
    user,
    cart: Cart | None,
    checkout_token: uuid.UUID,
    address: dict[str, str],
    shipping_method: ShippingMethod,
    payment_method: str,
    expected_total: Decimal,
) -> Placed:
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing is not None:
        if existing.user_id != user.pk:
            raise CheckoutError("This checkout form was already used. Please start the checkout again.")
        return Placed(existing, created=False)
    try:
        with transaction.atomic():
            order = _place(
                user, cart, checkout_token, address, shipping_method, payment_method, expected_total
            )
    except IntegrityError:
        # The same token placed an order in a concurrent request (a double click): that one wins.
        existing = Order.objects.filter(checkout_token=checkout_token, user=user).first()
        if existing is None:
            raise
        return Placed(existing, created=False)
    return Placed(order, created=True)


def _place(user, cart, checkout_token, address, shipping_method, payment_method, expected_total) -> Order:
    summary = summarize(cart, shipping_method.price)
    if not summary.lines:
        raise CheckoutError("Your cart is empty.")
    if summary.problems:
        raise SoldOut(" ".join(summary.problems.values()))
    if summary.totals.total != pricing.money(expected_total):
        raise PricesChanged(
            f"Prices changed since you opened the checkout: the total is now "
            f"{summary.totals.total} {settings.SHOP_CURRENCY}, not {pricing.money(expected_total)}. "
            "Please check the summary and place the order again."
        )
    # The order row first: its unique token makes a concurrent duplicate wait here, then fail.
    order = Order.objects.create(
        user=user,
        checkout_token=checkout_token,
        **{field: address.get(field, "") for field in ADDRESS_FIELDS},
        shipping_method=shipping_method.name,
        shipping_price=summary.totals.shipping,
        subtotal=summary.totals.subtotal,
        tax=summary.totals.tax,
        tax_rate=summary.totals.tax_rate,
        tax_included=summary.totals.tax_included,
        total=summary.totals.total,
        currency=settings.SHOP_CURRENCY,
        payment_method=payment_method,
    )
    try:
        stock.allocate((line.variant_id, line.quantity) for line in summary.lines)
    except stock.StockError as error:
        raise SoldOut(error.message) from error
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=line.variant,
            product_name=str(line.variant),
            sku=line.variant.sku,
            unit_price=line.variant.price,
            quantity=line.quantity,
            line_total=line.total,
        )
        for line in summary.lines
    )
    clear(cart)
    order_placed(order)
    return order
