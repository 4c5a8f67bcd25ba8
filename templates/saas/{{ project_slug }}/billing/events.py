"""The provider event types the webhooks understand, and what each may change: the tables
``services.apply_event`` obeys (``EVENT_TYPES`` for the generic webhook, ``STRIPE_EVENT_TYPES`` for
Stripe's). A type not listed is acknowledged and ignored.

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
    #: Whether it carries the subscription's state, so is applied only when newer than the last one (and
    #: then becomes the last one). False: it only links the provider's customer and subscription ids.
    ordered: bool = True


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

#: Stripe's event types (https://docs.stripe.com/billing/subscriptions/webhooks), read by
#: ``stripe_webhooks.parse_event``: the subscription's status comes from the subscription object, its plan
#: from the price (``STRIPE_PRICES``).
STRIPE_EVENT_TYPES: dict[str, EventType] = {
    # The checkout links the organisation to its Stripe customer and subscription; the subscription's
    # own events (which may arrive before or after it) carry the plan and status.
    "checkout.session.completed": EventType(ordered=False),
    "customer.subscription.created": EventType(payload_statuses=LIVE, sets_plan=True, sets_period_end=True),
    "customer.subscription.updated": EventType(
        payload_statuses=frozenset(Status), sets_plan=True, sets_period_end=True
    ),
    "customer.subscription.deleted": EventType(status=Status.CANCELLED, sets_period_end=True),
    "invoice.payment_failed": EventType(status=Status.PAST_DUE, applies_to=LIVE),
}
