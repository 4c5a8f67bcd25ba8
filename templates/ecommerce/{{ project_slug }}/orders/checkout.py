"""Placing an order: the cart becomes an order in one transaction, or nothing changes at all.

1. The checkout token: placing again with a token that already made an order returns that order
   (a double submit or a retried request never makes a second one).
2. The cart's row is locked (``cart.services.lock``) and its lines are read under that lock, so checkouts
   of one cart run one after the other: after the lock, the token is looked up again (a repeat that
   arrived while the first was committing finds its order), and a cart that was spent meanwhile (another
   tab placed it) is refused. The order records the cart version it spent and moves the cart's version on;
   (cart, version) is unique on ``Order``, so the database, too, lets one filling of a cart become one order.
3. The quote the customer confirmed (``quote.Quote``: each line's price and quantity, the shipping and the
   total) is compared with the cart now; any difference refuses the order with what changed.
4. Anti-hoarding: the customer is locked (``cart.customers.Customer``: a user's row, or a guest's email
   address; checkouts of one customer run one after the other, whatever cart they place) and the units they
   hold in orders waiting for payment, plus this order's, may not exceed ``SHOP_MAX_UNPAID_UNITS``.
   A guest (no account: ``user=None``) is the customer of their email address, normalised, for this cap
   and for a voucher's per-customer limit alike.
5. The cart's voucher is redeemed (``cart.vouchers.redeem``: a conditional update of its uses, and the
   customer's earlier uses counted under their row lock); a voucher that no longer applies refuses the order.
6. The stock of every line is allocated with conditional updates (``catalogue.stock.allocate``); if
   another checkout took the last units first, everything rolls back.
7. The order keeps copies of the address, the shipping method, the voucher's code and discount, and each
   line's name, SKU and price.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.template.defaultfilters import pluralize

from ..cart.customers import Customer
from ..cart.models import Cart
from ..cart.services import CartView, clear, lock, summarize
from ..cart.vouchers import VoucherError, redeem
from ..catalogue import stock
from ..catalogue.models import Variant
from .models import Order, OrderLine, ShippingMethod
from .notify import order_placed
from .quote import Quote, changes, quote_of

ADDRESS_FIELDS = ("email", "full_name", "address_line1", "address_line2", "postcode", "city", "country")


class CheckoutError(Exception):
    """The order cannot be placed; the message is for the customer and nothing was changed."""

    code = "invalid"


class SoldOut(CheckoutError):
    code = "sold_out"


class TooManyUnpaid(CheckoutError):
    """The customer would hold more than ``SHOP_MAX_UNPAID_UNITS`` units in orders waiting for payment."""

    code = "too_many_unpaid"


class VoucherRefused(CheckoutError):
    """The cart's voucher does not apply (any more): expired, used up, below its minimum…"""

    code = "voucher"


class PricesChanged(CheckoutError):
    code = "prices_changed"


class ShippingChanged(CheckoutError):
    """The customer chose another shipping method than the one their summary was shown with."""

    code = "shipping_changed"


class CartSpent(CheckoutError):
    """The cart was placed as an order by another checkout (another tab) meanwhile."""

    code = "cart_spent"

    def __init__(self, message: str, order: Order | None = None) -> None:
        super().__init__(message)
        self.order = order


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
    quote: Quote,
) -> Placed:
    """Place ``cart`` as ``user``'s order (``user=None`` or anonymous: a guest's, known by the address's
    email), at the prices of ``quote`` (what the customer confirmed) or not at all (``CheckoutError``)."""
    if user is not None and not user.is_authenticated:
        user = None
    if existing := _placed_with(checkout_token, user, cart):
        return Placed(existing, created=False)
    try:
        with transaction.atomic():
            return _place(user, cart, checkout_token, address, shipping_method, payment_method, quote)
    except IntegrityError:
        # Two checkouts collided on a unique column without sharing a cart lock (the same token sent by
        # another customer at the same moment): the one that committed first wins.
        if existing := _placed_with(checkout_token, user, cart):
            return Placed(existing, created=False)
        raise CheckoutError("This checkout form was already used. Please start the checkout again.") from None


def _placed_with(checkout_token: uuid.UUID, user, cart: Cart | None) -> Order | None:
    """The order this token placed (``None``: none yet); another customer's token is refused. A guest's
    repeat is theirs only when it comes with the cart (the session) that placed the order."""
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing is None:
        return None
    if user is not None:
        mine = existing.user_id == user.pk
    else:
        mine = existing.user_id is None and cart is not None and existing.cart_id == cart.pk
    if not mine:
        raise CheckoutError("This checkout form was already used. Please start the checkout again.")
    return existing


def _place(user, cart, checkout_token, address, shipping_method, payment_method, quote: Quote) -> Placed:
    if cart is not None:
        # From here on, until the commit, every other checkout (and every change) of this cart waits.
        cart = lock(cart.pk)
        # A repeat of this token that waited for the lock: its first request has committed the order.
        if existing := _placed_with(checkout_token, user, cart):
            return Placed(existing, created=False)
        if quote.cart_version is not None and quote.cart_version != cart.version:
            spent = Order.objects.filter(cart=cart, cart_version=quote.cart_version).first()
            where = f" as order {spent.number}" if spent else ""
            raise CartSpent(f"This cart was already ordered{where} (in another window or tab).", spent)
    customer = Customer.of(user, address.get("email", ""))
    summary = summarize(cart, shipping_method.price, customer)
    if not summary.lines:
        raise CheckoutError("Your cart is empty.")
    if quote.shipping_method_id is not None and quote.shipping_method_id != shipping_method.pk:
        # The customer chose another method on the form without updating the summary: they have not seen
        # the total with it, so they are shown it and confirm it (never charged an amount they did not see).
        raise ShippingChanged(
            f"Shipping changed to {shipping_method.name}: check the new total and place the order."
        )
    if summary.problems:
        raise SoldOut(" ".join(summary.problems.values()))
    if summary.voucher_problem:
        raise VoucherRefused(
            f"{summary.voucher_problem} Please remove it from your cart to order without it."
        )
    now = quote_of(summary, shipping_method, cart)
    price_changed, differences = changes(quote, now, _names(summary, quote))
    if differences:
        heading = "Prices changed" if price_changed else "Your cart changed"
        raise PricesChanged(
            f"{heading} since you opened the checkout: {'; '.join(differences)}. "
            "Please check the summary and place the order again."
        )
    _check_unpaid_units(customer, sum(line.quantity for line in summary.lines))
    if summary.voucher is not None:
        try:
            redeem(summary.voucher, customer)
        except VoucherError as error:
            raise VoucherRefused(f"{error} Please remove it from your cart to order without it.") from error
    # The order row first: its unique token makes a concurrent duplicate wait here, then fail.
    order = Order.objects.create(
        user=user,
        checkout_token=checkout_token,
        cart=cart,
        cart_version=cart.version,
        **{field: address.get(field, "").strip() for field in ADDRESS_FIELDS},
        shipping_method=shipping_method.name,
        shipping_price=summary.totals.shipping,
        subtotal=summary.totals.subtotal,
        voucher=summary.voucher,
        voucher_code=summary.voucher.code if summary.voucher else "",
        discount=summary.totals.discount,
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
    Cart.objects.filter(pk=cart.pk).update(version=F("version") + 1, voucher=None)
    order_placed(order)
    return Placed(order, created=True)


def unpaid_units(customer: Customer | object) -> int:
    """The units ``customer`` (a user, or a guest's ``Customer``) holds in orders waiting for payment
    (their stock is reserved for them)."""
    customer = customer if isinstance(customer, Customer) else Customer.of(customer)
    lines = OrderLine.objects.filter(customer.orders("order__"), order__status=Order.Status.PENDING_PAYMENT)
    return lines.aggregate(units=Sum("quantity", default=0))["units"]


def _check_unpaid_units(customer: Customer, units: int) -> None:
    """Refuse an order that would let ``customer`` hold more than ``SHOP_MAX_UNPAID_UNITS`` unpaid units.

    The customer is locked first (``Customer.lock``), until the commit, so two checkouts of one customer (two
    browsers, the site and the API) cannot both count the units held before either order exists: the second
    counts after the first has committed. ``FOR NO KEY UPDATE`` on a user's row does not block other rows
    that merely point at the customer (such as the order being inserted).
    """
    limit = settings.SHOP_MAX_UNPAID_UNITS
    if not limit:
        return
    customer.lock()
    held = unpaid_units(customer)
    if held + units > limit:
        waiting = f" ({held} already in orders waiting for payment)" if held else ""
        raise TooManyUnpaid(
            f"You can hold at most {limit} item{pluralize(limit)} in unpaid orders{waiting}; "
            f"this order has {units}. "
            "Please pay or cancel an earlier order first, or order fewer items."
        )


def _names(summary: CartView, quote: Quote) -> dict[int, str]:
    """Names of the variants of ``summary`` and ``quote`` (one query for those no longer in the cart)."""
    names = {line.variant_id: str(line.variant) for line in summary.lines}
    gone = [line.variant_id for line in quote.lines if line.variant_id not in names]
    if not gone:  # nearly always: the quoted lines are the cart's
        return names
    for variant in Variant.objects.filter(pk__in=gone).select_related("product"):
        names[variant.pk] = str(variant)
    return names
