"""The provider event types the webhook understands, and what each may change: the one table
``services.apply_event`` obeys. A type not listed here is acknowledged and ignored.

A payment event never sets a status of its own choosing: its type says what happened (paid: active;
failed: past due) and the payload's ``status`` and ``plan`` are not read. Only subscription events set
the plan.
"""

from dataclasses import dataclass

from .models import Subscription

Status = Subscription.Status
LIVE = frozenset({Status.TRIALING, Status.ACTIVE, Status.PAST_DUE})


@dataclass(frozen=True)
class EventType:
    #: The status this type of event means, whatever its payload says.
    status: str | None = None
    #: Otherwise, the statuses its payload's ``status`` may name (empty: it sets no status).
    payload_statuses: frozenset[str] = frozenset()
    #: Whether its payload's ``plan`` is read.
    sets_plan: bool = False
    #: Whether its payload's ``current_period_end`` is read (when present; it is never erased).
    sets_period_end: bool = False
    #: The subscription statuses it applies to; on any other it is acknowledged and ignored.
    applies_to: frozenset[str] = frozenset(Status)


EVENT_TYPES: dict[str, EventType] = {
    "subscription.created": EventType(payload_statuses=LIVE, sets_plan=True, sets_period_end=True),
    "subscription.updated": EventType(
        payload_statuses=frozenset(Status), sets_plan=True, sets_period_end=True
    ),
    "subscription.cancelled": EventType(status=Status.CANCELLED, sets_period_end=True),
    # A payment restarts nothing that was cancelled: that takes a subscription event.
    "payment.succeeded": EventType(status=Status.ACTIVE, sets_period_end=True, applies_to=LIVE),
    "payment.failed": EventType(status=Status.PAST_DUE, applies_to=LIVE),
}
