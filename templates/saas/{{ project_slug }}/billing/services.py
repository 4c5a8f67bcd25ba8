"""Subscriptions: the trial or free plan every organisation starts on, and the provider's events applied
to them."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..audit.models import AuditEvent
from ..audit.services import record
from ..organizations.context import organization_context
from .events import EVENT_TYPES, STRIPE_EVENT_TYPES
from .models import Subscription, WebhookEvent
from .plans import FREE, PLANS
from .webhooks import ProviderEvent

#: Every provider's event types (their names do not overlap).
RULES = EVENT_TYPES | STRIPE_EVENT_TYPES


class UnknownOrganization(Exception):
    def __init__(self, label: str) -> None:
        super().__init__(f"Unknown organisation {label}.")
        self.message = str(self)


@dataclass(frozen=True)
class Outcome:
    applied: bool
    detail: str
    subscription: Subscription | None = None


def start_subscription(organization) -> Subscription:
    """A new organisation's subscription: a trial of ``BILLING_TRIAL_PLAN`` for ``BILLING_TRIAL_DAYS``
    (its limits apply until ``trial_ends_at``, then the free plan's, unless a subscription has started at
    the provider), or the free plan when ``BILLING_TRIAL_DAYS`` is 0."""
    if settings.BILLING_TRIAL_DAYS > 0:
        return Subscription.objects.create(
            organization=organization,
            plan=PLANS[settings.BILLING_TRIAL_PLAN].code,
            status=Subscription.Status.TRIALING,
            trial_ends_at=timezone.now() + timedelta(days=settings.BILLING_TRIAL_DAYS),
        )
    return Subscription.objects.create(
        organization=organization, plan=FREE.code, status=Subscription.Status.ACTIVE
    )


def _describe(subscription: Subscription) -> str:
    return f"{subscription.get_plan_display()} ({subscription.get_status_display()})"


@transaction.atomic
def apply_event(event: ProviderEvent) -> Outcome:
    """Apply one provider event, at most once and never backwards.

    - Idempotent: the event id is stored (unique) in the same transaction; a redelivery, even at the same
      moment, finds it and changes nothing.
    - Ordered by the provider's time, not by arrival: under a lock on the subscription row, an event no
      newer than the last one applied (``last_event_at``) is acknowledged and ignored. Providers retry and
      reorder events; the state never moves back.
    - Typed: ``events.EVENT_TYPES`` (and ``STRIPE_EVENT_TYPES``) say which statuses and fields each type
      may set (the parsers read only those); unknown types are ignored. A field the event does not carry
      keeps its value. A type that only links the provider's ids (``ordered=False``) is not ordered.
    - The trial given at creation ends with the provider's first status: ``trial_ends_at`` is cleared.
    - Past due: ``past_due_since`` is the provider's time of the first failure, where the grace period
      (``BILLING_GRACE_DAYS``) starts; it is cleared when the subscription leaves past due.
    - ``InvalidTransition`` if the state machine forbids the move: nothing is stored, not even the event
      id, so the provider's retry is applied once the disagreement is fixed.
    """
    try:
        with transaction.atomic():
            processed = WebhookEvent.objects.create(
                event_id=event.event_id, type=event.type, created=event.created
            )
    except IntegrityError:
        return Outcome(applied=False, detail="already processed")
    rule = RULES.get(event.type)
    if rule is None:
        return _ignored(processed, "unknown event type")
    if event.ignore_reason:
        return _ignored(processed, event.ignore_reason)
    subscription = _locate(event)
    if not rule.ordered:
        _link(subscription, event)
        subscription.save()
        processed.outcome = "applied"
        processed.save(update_fields=["outcome"])
        return Outcome(applied=True, detail="applied", subscription=subscription)
    if subscription.last_event_at is not None and event.created <= subscription.last_event_at:
        return _ignored(processed, "older than the last event applied", subscription)
    if subscription.status not in rule.applies_to:
        return _ignored(processed, f"does not apply to a {subscription.status} subscription", subscription)
    before = _describe(subscription)
    if event.status is not None:
        subscription.trial_ends_at = None  # the provider runs the subscription now, trial or not
        was_past_due = subscription.status == Subscription.Status.PAST_DUE
        subscription.move_to(event.status)
        if subscription.status != Subscription.Status.PAST_DUE:
            subscription.past_due_since = None
        elif not was_past_due:  # the grace period counts from the first failure, not from each retry
            subscription.past_due_since = event.created
    if event.plan is not None:
        subscription.plan = event.plan
    if event.current_period_end is not None:
        subscription.current_period_end = event.current_period_end
    _link(subscription, event)
    subscription.last_event_at = event.created
    subscription.save()
    processed.outcome = "applied"
    processed.save(update_fields=["outcome"])
    after = _describe(subscription)
    if before != after:
        with organization_context(subscription.organization):
            record(
                subscription.organization,
                AuditEvent.Action.PLAN_CHANGED,
                actor_label="billing provider",
                summary=f"{before} → {after}",
            )
    return Outcome(applied=True, detail="applied", subscription=subscription)


def _locate(event: ProviderEvent) -> Subscription:
    """The event's subscription, locked: by organisation id, else slug, else the provider's subscription or
    customer id; ``UnknownOrganization`` when none matches."""
    if event.organization_id is not None:
        where, label = Q(organization_id=event.organization_id), f"id {event.organization_id}"
    elif event.organization_slug:
        where, label = Q(organization__slug=event.organization_slug), f"'{event.organization_slug}'"
    elif event.provider_reference or event.provider_customer:
        ids = {"provider_reference": event.provider_reference, "provider_customer": event.provider_customer}
        where = Q(**{field: value for field, value in ids.items() if value}, _connector=Q.OR)
        label = f"for {event.provider_reference or event.provider_customer}"
    else:
        raise UnknownOrganization("(the event names none)")
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(where)
        .order_by("pk")
        .first()
    )
    if subscription is None:
        raise UnknownOrganization(label)
    return subscription


def _link(subscription: Subscription, event: ProviderEvent) -> None:
    """Store the provider's subscription and customer ids the event carries (not saved)."""
    if event.provider_reference:
        subscription.provider_reference = event.provider_reference
    if event.provider_customer:
        subscription.provider_customer = event.provider_customer


def _ignored(processed: WebhookEvent, reason: str, subscription: Subscription | None = None) -> Outcome:
    processed.outcome = f"ignored: {reason}"[:100]
    processed.save(update_fields=["outcome"])
    return Outcome(applied=False, detail=f"ignored: {reason}", subscription=subscription)
