"""Refunds: the one place that gives money back on an order. Refunds never add up to more than was paid,
and the database is what makes sure (never a read-then-write):

1. **Reserve** (one short transaction): a conditional ``UPDATE`` raises ``Order.refunded_total`` by the
   amount only where the order was paid and ``refunded_total + amount <= total``, and a ``Refund`` row is
   written as *pending* with its idempotency key (unique). The row count says whether it fitted; the
   ``orders_order_refunds_within_total`` check constraint backs it. Two refunds at once that together
   exceed the total: the second ``UPDATE`` waits for the first's row lock, then matches no row.
2. **Ask the provider** (``PaymentProvider.refund``), after the reservation is committed and outside any
   row lock, so a slow gateway holds up nobody; it gets the same idempotency key.
3. **Settle** (one short transaction, the order row locked): the refund becomes *succeeded* with the
   provider's reference, and when the succeeded refunds reach the total the order moves to *refunded*
   through ``lifecycle.transition``; or it becomes *failed* with the provider's reason and its amount is
   given back to ``refunded_total``.

Asking again with a key already used answers with that refund: a succeeded one as it is, a failed one with
its reason again, and a pending one (the process stopped between steps 2 and 3, or the provider could not be
reached) is retried with the provider, whose own idempotency makes the money move once. Call ``refund()``
outside ``transaction.atomic`` so that each step commits on its own.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from .lifecycle import can_transition, transition
from .models import Order, Refund
from .notify import refund_made
from .payments import RefundError, provider_for

CENT = Decimal("0.01")


class RefundRefused(RefundError):
    """A refund this shop's rules do not allow (nothing was recorded); the message says why."""


def refundable(order: Order) -> Decimal:
    """What may still be refunded on ``order`` (0 when it was not paid)."""
    if order.paid_at is None:
        return Decimal("0.00")
    return max(order.total - order.refunded_total, Decimal("0.00"))


def refund(
    order: Order, amount: Decimal | str, *, reason: str, idempotency_key: str, created_by=None
) -> Refund:
    """Give ``amount`` back on ``order``; the succeeded ``Refund``, or ``RefundError`` with the reason
    (``RefundRefused`` when the rules refuse it, before the provider is asked)."""
    amount = _amount(amount)
    reason = reason.strip()[:200] or "Refund"
    if not idempotency_key or len(idempotency_key) > 100:
        raise RefundRefused("A refund needs an idempotency key of at most 100 characters.")
    made = _reserve(order, amount, reason, idempotency_key, created_by)
    if made.status == Refund.Status.SUCCEEDED:
        return made
    if made.status == Refund.Status.FAILED:
        raise RefundError(made.failure)
    provider = provider_for(made.order)
    try:
        if provider is None:
            raise RefundError(f"The payment method {made.order.payment_method!r} is not installed.")
        reference = provider.refund(made.order, made.amount, idempotency_key=made.idempotency_key)
    except RefundError as error:
        _fail(made, error.reason)
        raise
    # Anything else (a gateway out of reach…) leaves the refund pending: retry with the same key.
    return _succeed(made, reference)


def _amount(amount: Decimal | str) -> Decimal:
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise RefundRefused("The amount must be a number, such as 12.50.") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(CENT):
        raise RefundRefused("The amount must be more than 0, in whole cents.")
    return value.quantize(CENT)


def _existing(order: Order, amount: Decimal, key: str) -> Refund | None:
    refund_ = Refund.objects.select_related("order").filter(idempotency_key=key).first()
    if refund_ is not None and (refund_.order_id != order.pk or refund_.amount != amount):
        raise RefundRefused("This idempotency key was used for another refund.")
    return refund_


def _reserve(order: Order, amount: Decimal, reason: str, key: str, created_by) -> Refund:
    if (found := _existing(order, amount, key)) is not None:
        return found
    try:
        with transaction.atomic():
            fitted = Order.objects.filter(
                pk=order.pk, paid_at__isnull=False, refunded_total__lte=F("total") - amount
            ).update(refunded_total=F("refunded_total") + amount)
            if fitted != 1:
                raise RefundRefused(_why_not(order, amount))
            made = Refund.objects.create(
                order=order, amount=amount, reason=reason, idempotency_key=key, created_by=created_by
            )
    except IntegrityError:  # the same key, at the same moment: the other call's refund is the one
        found = _existing(order, amount, key)
        if found is None:
            raise
        return found
    made.order = Order.objects.get(pk=order.pk)
    return made


def _why_not(order: Order, amount: Decimal) -> str:
    current = Order.objects.filter(pk=order.pk).first()
    if current is None or current.paid_at is None:
        return f"Order {order.number} has not been paid: there is nothing to refund."
    left = refundable(current)
    if not left:
        return f"Order {order.number} has been refunded in full already."
    return f"At most {left} {current.currency} can still be refunded on order {order.number}, not {amount}."


@transaction.atomic
def _succeed(made: Refund, reference: str) -> Refund:
    order = Order.objects.select_for_update().get(pk=made.order_id)
    settled = Refund.objects.filter(pk=made.pk, status=Refund.Status.PENDING).update(
        status=Refund.Status.SUCCEEDED, reference=reference[:120]
    )
    made.refresh_from_db()
    if settled:
        refund_made(made)
        done = order.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(sum=Sum("amount"))["sum"]
        if done == order.total and can_transition(order, Order.Status.REFUNDED):
            transition(order, Order.Status.REFUNDED)
    made.order = order
    return made


@transaction.atomic
def _fail(made: Refund, reason: str) -> None:
    failed = Refund.objects.filter(pk=made.pk, status=Refund.Status.PENDING).update(
        status=Refund.Status.FAILED, failure=reason[:300]
    )
    if failed:  # its amount may be refunded again
        Order.objects.filter(pk=made.order_id).update(refunded_total=F("refunded_total") - made.amount)
