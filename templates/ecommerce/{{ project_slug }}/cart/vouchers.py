"""Vouchers: the one place that says whether a code applies, what it takes off, and that redeems it.

A customer applies a code to their cart (``apply``); the cart shows the discount while the code applies and
the reason when it does not (``problem``: not active, not valid yet, expired, used up, already used by this
customer, or a subtotal below its minimum). Placing the order redeems it (``redeem``, inside the checkout's
transaction), where the limits hold however many checkouts run at once:

- the total limit with one conditional ``UPDATE`` (as ``catalogue.stock`` allocates stock): the row is
  counted up only while it is active, within its validity window and below ``max_uses``, and the database
  compares and writes in one step, so the last use goes to one checkout (the others' ``UPDATE`` matches no
  row); a check constraint keeps ``uses`` ≤ ``max_uses`` as well;
- the per-customer limit by counting the customer's orders with the voucher under the customer's lock
  (``customers.Customer``: a user's row, ``FOR NO KEY UPDATE``, as the anti-hoarding cap in
  ``orders.checkout`` does; a guest's normalised email address), so two checkouts of one customer count one
  after the other, and a guest cannot use a code twice by typing their address in another case.

Every order placed with a voucher counts as a use, cancelled ones included: a code is not given back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.db.models import F, Q
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.formats import date_format

from . import pricing
from .currency import format_money
from .customers import Customer
from .models import Cart, Voucher


class VoucherError(Exception):
    """A code that cannot be used; the message (for the customer) says why. Nothing was changed."""


def normalize(code: str) -> str:
    return code.strip().upper()


def find(code: str) -> Voucher:
    """The voucher with ``code`` (in any case); ``VoucherError`` if there is none."""
    code = normalize(code)
    voucher = Voucher.objects.filter(code=code).first() if code else None
    if voucher is None:
        raise VoucherError(f"There is no voucher with the code {code}." if code else "Enter a voucher code.")
    return voucher


def customer_of(who: Customer | object | None) -> Customer:
    """``who`` as a ``Customer``: a user (or anonymous visitor), or already a ``Customer``."""
    return who if isinstance(who, Customer) else Customer.of(who)


def uses_by(voucher: Voucher, user) -> int:
    """How many orders ``user`` (a user, or a ``Customer``: a guest, by email) placed with ``voucher``."""
    customer = customer_of(user)
    if not customer.is_known:
        return 0
    return voucher.orders.filter(customer.orders()).count()


def problem(voucher: Voucher, subtotal: Decimal, user=None, now: datetime | None = None) -> str | None:
    """Why ``voucher`` does not apply to goods costing ``subtotal`` for ``user`` (``None``: it applies).
    A visitor's per-customer uses are counted when they check out (signed in, or by their email).
    ``user`` may be a ``Customer`` (a guest)."""
    now = now or timezone.now()
    code = voucher.code
    if not voucher.is_active:
        return f"The voucher {code} is not valid any more."
    if voucher.starts_at and now < voucher.starts_at:
        return f"The voucher {code} is valid from {_when(voucher.starts_at)}."
    if voucher.ends_at and now >= voucher.ends_at:
        return f"The voucher {code} expired on {_when(voucher.ends_at)}."
    if voucher.max_uses is not None and voucher.uses >= voucher.max_uses:
        return f"The voucher {code} has been used up."
    limit = voucher.max_uses_per_customer
    if limit is not None and uses_by(voucher, user) >= limit:
        times = "once" if limit == 1 else f"{limit} time{pluralize(limit)}"
        return f"You have already used the voucher {code} ({times} per customer)."
    if subtotal < voucher.minimum_subtotal:
        return (
            f"The voucher {code} needs a subtotal of at least {format_money(voucher.minimum_subtotal)}; "
            f"your cart's is {format_money(subtotal)}."
        )
    return None


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def discount(voucher: Voucher) -> Callable[[Decimal], Decimal]:
    """What ``voucher`` takes off a subtotal, for ``pricing.totals``."""
    if voucher.kind == Voucher.Kind.PERCENTAGE:
        return lambda subtotal: pricing.discount_on(subtotal, percent=voucher.value)
    return lambda subtotal: pricing.discount_on(subtotal, amount=voucher.value)


def describe(voucher: Voucher) -> str:
    """ "10 % off" or "€5.00 off"."""
    if voucher.kind == Voucher.Kind.PERCENTAGE:
        return f"{voucher.value.normalize():f} % off"
    return f"{format_money(voucher.value)} off"


def apply(cart: Cart, code: str, subtotal: Decimal, user=None) -> Voucher:
    """Apply the voucher ``code`` to ``cart`` (replacing the one applied before); ``VoucherError`` with the
    reason when it does not apply to goods costing ``subtotal`` for ``user``."""
    voucher = find(code)
    if reason := problem(voucher, subtotal, user):
        raise VoucherError(reason)
    Cart.objects.filter(pk=cart.pk).update(voucher=voucher, updated_at=timezone.now())
    cart.voucher = voucher
    return voucher


def remove(cart: Cart) -> None:
    Cart.objects.filter(pk=cart.pk).update(voucher=None, updated_at=timezone.now())
    cart.voucher = None


def redeem(voucher: Voucher, user, now: datetime | None = None) -> None:
    """Count one use of ``voucher`` by ``user``'s order being placed, or refuse it (``VoucherError``). Call
    inside the checkout's transaction: the use is given back if the order is not placed."""
    now = now or timezone.now()
    if voucher.max_uses_per_customer is not None:
        # Checkouts of this customer wait here for each other, so each counts the others' orders.
        customer_of(user).lock()
        if uses_by(voucher, user) >= voucher.max_uses_per_customer:
            raise VoucherError(problem(voucher, voucher.minimum_subtotal, user, now) or voucher.code)
    usable = Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses"))
    window = (Q(starts_at__isnull=True) | Q(starts_at__lte=now)) & (
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    counted = Voucher.objects.filter(usable, window, pk=voucher.pk, is_active=True).update(uses=F("uses") + 1)
    if counted != 1:
        now_is = Voucher.objects.filter(pk=voucher.pk).first()
        reason = problem(now_is, now_is.minimum_subtotal, None, now) if now_is else None
        raise VoucherError(reason or f"The voucher {voucher.code} cannot be used any more.")
