"""The order's state machine: the one place that says which status may follow which, and what each
transition does to the stock. The site, the admin actions, the API and the payment webhook all call
``transition()``; events that may arrive twice or late (the gateway's) call ``advance()``.

No transition leads back: an order only ever moves forward, or to cancelled, which ends it. The one move
after cancelled is refunded: a paid order (cancelled or not) becomes *refunded* once its refunds add up to
its total (``refunds.py`` moves it; ``allowed_targets`` checks the sum, so nothing else can)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..catalogue import stock
from .invoicing import number_invoice
from .models import Order
from .notify import order_status_changed
from .payments import PAID_ON_DELIVERY

Status = Order.Status

#: Allowed transitions: current status → the statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING_PAYMENT: frozenset({Status.PAID, Status.CANCELLED}),
    Status.PAID: frozenset({Status.SHIPPED, Status.CANCELLED}),
    Status.SHIPPED: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.REFUNDED: frozenset(),
}
#: The statuses from which a paid order whose refunds reached its total becomes refunded.
REFUNDABLE = frozenset({Status.PAID, Status.SHIPPED, Status.COMPLETED, Status.CANCELLED})
#: Orders paid on delivery (cash on delivery) may also ship before they are paid; completing them then
#: records the payment the courier collected.
ON_DELIVERY: dict[str, frozenset[str]] = {Status.PENDING_PAYMENT: frozenset({Status.SHIPPED})}

#: The timestamp each status sets.
TIMESTAMPS = {
    Status.PAID: "paid_at",
    Status.SHIPPED: "shipped_at",
    Status.COMPLETED: "completed_at",
    Status.CANCELLED: "cancelled_at",
    Status.REFUNDED: "refunded_at",
}


class TransitionNotAllowed(Exception):
    def __init__(self, order: Order, target: str) -> None:
        self.order, self.target = order, target
        super().__init__(
            f"Order {order.number} is {order.get_status_display().lower()}; "
            f"it cannot become {Status(target).label.lower()}."
        )


def allowed_targets(order: Order) -> frozenset[str]:
    """The statuses ``order`` may move to next."""
    allowed = TRANSITIONS[order.status]
    if order.payment_method in PAID_ON_DELIVERY:
        allowed |= ON_DELIVERY.get(order.status, frozenset())
    if order.status in REFUNDABLE and order.paid_at is not None and order.refunded_total >= order.total > 0:
        allowed |= {Status.REFUNDED}
    return allowed


def can_transition(order: Order, target: str) -> bool:
    return target in allowed_targets(order)


@transaction.atomic
def transition(order: Order, target: str, *, payment_reference: str = "") -> Order:
    """Move ``order`` to ``target`` (or raise ``TransitionNotAllowed``, changing nothing).

    The order row is locked first, so two staff members (or a webhook and a click) cannot both act on it.
    Shipping consumes the order's reserved stock; cancelling releases it, and so does refunding an order
    that had not shipped. Whatever marks the order paid
    (paid, or completed on delivery) gives it its invoice number in this transaction (``invoicing.py``).
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not can_transition(locked, target):
        raise TransitionNotAllowed(locked, target)
    if target == Status.SHIPPED:
        stock.consume(locked.stock_lines())
    elif target == Status.CANCELLED or (target == Status.REFUNDED and locked.status == Status.PAID):
        stock.release(locked.stock_lines())
    locked.status = target
    setattr(locked, TIMESTAMPS[target], timezone.now())
    fields = ["status", TIMESTAMPS[target]]
    if target == Status.COMPLETED and locked.paid_at is None:  # paid on delivery
        locked.paid_at = locked.completed_at
        fields.append("paid_at")
    if payment_reference:
        locked.payment_reference = payment_reference
        fields.append("payment_reference")
    locked.save(update_fields=fields)
    if "paid_at" in fields:
        number_invoice(locked, locked.paid_at)
        fields += ["invoice_year", "invoice_sequence"]
    order_status_changed(locked)
    for field in fields:  # the caller's instance shows the new state too
        setattr(order, field, getattr(locked, field))
    return locked


@transaction.atomic
def advance(order: Order, target: str, *, payment_reference: str = "") -> bool:
    """Move ``order`` to ``target`` unless it has been there already; ``False`` when it had (nothing changed).

    For events that may come twice or out of order, such as a gateway's "paid": the status's timestamp
    (``paid_at``…) is set when the order reaches it and never cleared, so a repeated or late event is a
    no-op, even for an order that has moved on since (shipped, or paid then cancelled). A target the order
    has not reached and cannot reach raises ``TransitionNotAllowed`` like ``transition()``.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if getattr(locked, TIMESTAMPS[target]) is not None:
        return False
    transition(order, target, payment_reference=payment_reference)
    return True
