"""Cart operations, shared by the pages and the API. A visitor's cart is found through their session
(``SESSION_KEY``); a signed-in customer's through ``Cart.user``. At login the first joins the second
(``merge``, called by the ``user_logged_in`` signal in ``signals.py``).

Locks: every change of a cart locks the cart's row first (``lock``), then its lines; placing an order does
the same (``orders.checkout``), then locks the variants. One order for everyone: a cart edited in one tab
while another tab places the order waits for that order instead of deadlocking with it or changing a cart
that is being ordered."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest

from ..catalogue.availability import purchase_problem
from ..catalogue.models import Variant
from . import pricing, vouchers
from .models import Cart, CartLine, Voucher

SESSION_KEY = "cart_id"


class CartError(Exception):
    """A cart change that cannot be made; the message is for the customer. Nothing was changed."""


def get_cart(request: HttpRequest, *, create: bool = False) -> Cart | None:
    """The request's cart: the signed-in customer's, or the visitor's (remembered in the session)."""
    if request.user.is_authenticated:
        if create:
            return Cart.objects.get_or_create(user=request.user)[0]
        return Cart.objects.filter(user=request.user).first()
    cart = Cart.objects.filter(pk=request.session.get(SESSION_KEY), user=None).first()
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[SESSION_KEY] = cart.pk
    return cart


def lock(cart_id: int) -> Cart:
    """Lock the cart's row until the transaction ends and return it as it is now (its current ``version``)."""
    return Cart.objects.select_for_update().get(pk=cart_id)


def lines_of(cart: Cart | None) -> list[CartLine]:
    if cart is None:
        return []
    return list(cart.lines.select_related("variant", "variant__product").order_by("added_at", "pk"))


@dataclass
class CartView:
    """A cart as the customer sees it: its lines, their problems (sold out, too many…), its voucher (with
    the reason it does not apply, if it does not) and its totals."""

    lines: list[CartLine]
    problems: dict[int, str]
    totals: pricing.Totals
    voucher: Voucher | None = None
    voucher_problem: str | None = None

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def rows(self) -> list[tuple[CartLine, str | None]]:
        """Each line with its problem (``None`` when it can be bought as it is)."""
        return [(line, self.problems.get(line.pk)) for line in self.lines]

    @property
    def goods_total(self) -> Decimal:
        """What the goods cost after the voucher's discount."""
        return self.totals.subtotal - self.totals.discount

    @property
    def free_shipping_over(self) -> Decimal | None:
        return pricing.free_shipping_threshold()

    @property
    def voucher_label(self) -> str:
        """ "WELCOME10 (10 % off)"; empty without a voucher."""
        return f"{self.voucher.code} ({vouchers.describe(self.voucher)})" if self.voucher else ""

    @property
    def can_check_out(self) -> bool:
        return bool(self.lines) and not self.problems and not self.voucher_problem


def summarize(cart: Cart | None, shipping: Decimal | None = None, user=None) -> CartView:
    """The cart's lines and totals with ``shipping``; its voucher's discount when it applies for ``user``
    (by default the cart's owner)."""
    lines = lines_of(cart)
    for line in lines:
        line.total = pricing.line_total(line.variant.price, line.quantity)
    problems = {
        line.pk: problem for line in lines if (problem := purchase_problem(line.variant, line.quantity))
    }
    prices = [(line.variant.price, line.quantity) for line in lines]
    voucher = cart.voucher if cart is not None and cart.voucher_id else None
    voucher_problem = None
    if voucher is not None:
        subtotal = pricing.totals(prices).subtotal
        voucher_problem = vouchers.problem(voucher, subtotal, user or cart.user)
    totals = pricing.totals(
        prices,
        shipping,
        pricing.TaxRule.from_settings(),
        discount=vouchers.discount(voucher) if voucher and not voucher_problem else None,
        free_shipping_over=pricing.free_shipping_threshold(),
    )
    return CartView(
        lines=lines, problems=problems, totals=totals, voucher=voucher, voucher_problem=voucher_problem
    )


@transaction.atomic
def add(cart: Cart, variant: Variant, quantity: int) -> CartLine:
    """Add ``quantity`` of ``variant``; the line's new quantity must be purchasable (``CartError`` if not)."""
    lock(cart.pk)
    line = CartLine.objects.select_for_update().filter(cart=cart, variant=variant).first()
    new_quantity = quantity + (line.quantity if line else 0)
    if problem := purchase_problem(variant, new_quantity):
        in_cart = f" (you already have {line.quantity} in your cart)" if line else ""
        raise CartError(problem + in_cart)
    if line is None:
        line = CartLine.objects.create(cart=cart, variant=variant, quantity=new_quantity)
    else:
        line.quantity = new_quantity
        line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def set_quantity(line: CartLine, quantity: int) -> CartLine | None:
    """Change a line's quantity; 0 removes the line (and returns ``None``). A line that is gone meanwhile
    (ordered in another tab) is a ``CartError``."""
    lock(line.cart_id)
    if not CartLine.objects.filter(pk=line.pk).exists():
        raise CartError(f"{line.variant} is no longer in your cart (was it ordered in another window?).")
    if quantity == 0:
        line.delete()
        return None
    if problem := purchase_problem(line.variant, quantity):
        raise CartError(problem)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def merge(source: Cart, target: Cart) -> list[str]:
    """Move the lines of ``source`` (a visitor's cart) into ``target`` (the customer's), then delete
    ``source``. Quantities add up, capped at what can be bought; returns a message per line that changed."""
    notes: list[str] = []
    locked = lock(target.pk)
    existing = {line.variant_id: line for line in target.lines.select_for_update()}
    for line in lines_of(source):
        variant = line.variant
        kept = existing.get(variant.pk)
        wanted = line.quantity + (kept.quantity if kept else 0)
        quantity = wanted
        while quantity > 0 and purchase_problem(variant, quantity):
            quantity -= 1
        if quantity == 0:
            notes.append(f"{variant} was not added to your cart: {purchase_problem(variant, 1)}")
            continue
        if quantity < wanted:
            notes.append(
                f"Your cart holds {quantity} of {variant}, not {wanted}: {purchase_problem(variant, wanted)}"
            )
        if kept:
            kept.quantity = quantity
            kept.save(update_fields=["quantity"])
        else:
            CartLine.objects.create(cart=target, variant=variant, quantity=quantity)
    if source.voucher_id and not locked.voucher_id:  # the code the visitor applied comes along
        Cart.objects.filter(pk=target.pk).update(voucher_id=source.voucher_id)
        target.voucher_id = source.voucher_id
    source.delete()
    target.save(update_fields=["updated_at"])
    return notes


def clear(cart: Cart) -> None:
    cart.lines.all().delete()
