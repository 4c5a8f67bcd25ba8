"""Returns: a customer sends back some of an order's units, staff approve (restock and refund) or reject.

- **Who and when**: the order's customer (or the guest, through the order's signed link) may ask for a
  return once the order has shipped and is paid, within ``SHOP_RETURN_DAYS`` days of its delivery (or of
  shipping, while delivery is not recorded). A paid order that has not shipped is cancelled instead.
- **How many**: each line's ``returned_quantity`` counts the units asked back, raised by a conditional
  ``UPDATE`` only where ``returned_quantity + n <= quantity`` (and a check constraint backs it), so two
  requests at once can never together return more than was bought. A rejected request gives its units back.
- **Approving** takes the request from *requested* to *approved* with a conditional ``UPDATE`` (approved
  once, however many clicks), puts the units back on the shelf (``catalogue.stock.restock``) in that
  transaction, and then, committed and outside any lock, refunds the units' value through ``refunds.py``
  with the key ``return-<id>`` (approving again retries a refund that did not go through).
- **Value** of returned units: their price less their share of the order's discount (and plus their share
  of tax added at checkout), i.e. ``unit price x quantity x (total - shipping) / subtotal``, rounded to
  cents and never more than what is left to refund. Shipping is not refunded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..catalogue import stock
from .models import Order, OrderLine, ReturnLine, ReturnRequest
from .notify import return_changed
from .refunds import CENT, refund, refundable

RETURNABLE = frozenset({Order.Status.SHIPPED, Order.Status.COMPLETED})


class ReturnRefused(Exception):
    """A return that cannot be asked for or decided (nothing changed); ``field`` names the input at fault
    ("lines", "reason") or is empty when stored state is the reason (the order's, the units left to return,
    the request's)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def return_deadline(order: Order) -> datetime | None:
    """Until when ``order``'s units may be sent back (``None``: they cannot be, or not yet)."""
    since = order.completed_at or order.shipped_at
    if since is None:
        return None
    return since + timedelta(days=settings.SHOP_RETURN_DAYS)


def why_not_returnable(order: Order) -> str:
    """Why ``order`` takes no return request now; "" when it does."""
    if order.status not in RETURNABLE or order.paid_at is None:
        return "Only orders that were paid and shipped can be returned."
    deadline = return_deadline(order)
    if deadline is None or timezone.now() > deadline:
        return (
            f"Returns are accepted within {settings.SHOP_RETURN_DAYS} days of delivery; that time has passed."
        )
    if not any(line.quantity > line.returned_quantity for line in order.lines.all()):
        return "Every item of this order has been returned already."
    return ""


def request_return(order: Order, quantities: Mapping[int, int], reason: str) -> ReturnRequest:
    """Ask to return ``quantities`` (order line id → units) of ``order``, for ``reason``."""
    reason = reason.strip()
    if not reason:
        raise ReturnRefused("Please tell us why you are returning these items.", field="reason")
    wanted = {line_id: quantity for line_id, quantity in quantities.items() if quantity}
    if not wanted:
        raise ReturnRefused("Choose at least one item to return.", field="lines")
    if any(quantity < 0 for quantity in wanted.values()):
        raise ReturnRefused("Quantities cannot be negative.", field="lines")
    lines = {line.pk: line for line in OrderLine.objects.filter(order=order)}
    if unknown := set(wanted) - set(lines):
        raise ReturnRefused(
            f"You have no line with these ids on order {order.number}: {sorted(unknown)}.", field="lines"
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)  # its status cannot change meanwhile
        if reason_not := why_not_returnable(order):
            raise ReturnRefused(reason_not)
        for line_id, quantity in sorted(wanted.items()):  # the lines' rows in primary-key order
            counted = OrderLine.objects.filter(
                pk=line_id, quantity__gte=F("returned_quantity") + quantity
            ).update(returned_quantity=F("returned_quantity") + quantity)
            if counted != 1:
                left = OrderLine.objects.get(pk=line_id)
                raise ReturnRefused(
                    f"{left.product_name}: at most {left.quantity - left.returned_quantity} can still be "
                    f"returned, not {quantity}."  # stored state: a conflict, not bad input (409 in the API)
                )
        request = ReturnRequest.objects.create(order=order, reason=reason[:1000])
        ReturnLine.objects.bulk_create(
            ReturnLine(request=request, line=lines[line_id], quantity=quantity)
            for line_id, quantity in sorted(wanted.items())
        )
        return_changed(request)
    return request


def value_of(request: ReturnRequest) -> Decimal:
    """What the returned units are worth (see the module's doc), before the cap of what is left."""
    order = request.order
    goods = sum((item.line.unit_price * item.quantity for item in request.lines.all()), Decimal(0))
    if not order.subtotal:
        return Decimal("0.00")
    paid_for_goods = order.total - order.shipping_price
    return (goods * paid_for_goods / order.subtotal).quantize(CENT, rounding=ROUND_HALF_UP)


def approve(request: ReturnRequest, *, decided_by=None) -> ReturnRequest:
    """Approve ``request``: restock its units and refund their value. Raises ``ReturnRefused`` when it was
    rejected, or ``RefundError`` when the refund did not go through (the return stays approved and
    restocked: approve again to retry, or refund by hand)."""
    with transaction.atomic():
        approved = ReturnRequest.objects.filter(pk=request.pk, status=ReturnRequest.Status.REQUESTED).update(
            status=ReturnRequest.Status.APPROVED, decided_at=timezone.now(), decided_by=decided_by
        )
        request = (
            ReturnRequest.objects.select_related("order").prefetch_related("lines__line").get(pk=request.pk)
        )
        if request.status != ReturnRequest.Status.APPROVED:
            raise ReturnRefused(f"Return {request.pk} was {request.get_status_display().lower()} already.")
        if approved:
            stock.restock((item.line.variant_id, item.quantity) for item in request.lines.all())
    # Committed: the units are back. The refund runs outside any lock (refunds.py).
    try:
        if request.refund_id is None:
            amount = min(value_of(request), refundable(request.order))
            if amount > 0:
                made = refund(
                    request.order,
                    amount,
                    reason=f"Return {request.pk}",
                    idempotency_key=f"return-{request.pk}",
                    created_by=decided_by,
                )
                ReturnRequest.objects.filter(pk=request.pk, refund=None).update(refund=made)
                request.refund = made
    finally:
        if approved:
            with transaction.atomic():
                return_changed(request)
    return request


@transaction.atomic
def reject(request: ReturnRequest, reason: str, *, decided_by=None) -> ReturnRequest:
    """Reject ``request`` for ``reason`` (told to the customer); its units may be asked back again."""
    reason = reason.strip()
    if not reason:
        raise ReturnRefused(
            "Write the reason for the customer in the return's rejection reason.", field="reason"
        )
    rejected = ReturnRequest.objects.filter(pk=request.pk, status=ReturnRequest.Status.REQUESTED).update(
        status=ReturnRequest.Status.REJECTED,
        rejection_reason=reason[:300],
        decided_at=timezone.now(),
        decided_by=decided_by,
    )
    request = ReturnRequest.objects.select_related("order").prefetch_related("lines").get(pk=request.pk)
    if not rejected:
        raise ReturnRefused(f"Return {request.pk} was {request.get_status_display().lower()} already.")
    for item in sorted(request.lines.all(), key=lambda item: item.line_id):
        OrderLine.objects.filter(pk=item.line_id, returned_quantity__gte=item.quantity).update(
            returned_quantity=F("returned_quantity") - item.quantity
        )
    return_changed(request)
    return request
