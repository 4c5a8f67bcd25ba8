"""Subscriptions: the free plan every organisation starts on, and the provider's events applied to them."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ..audit.models import AuditEvent
from ..audit.services import record
from ..organizations.context import organization_context
from .events import EVENT_TYPES
from .models import Subscription, WebhookEvent
from .plans import FREE
from .webhooks import ProviderEvent


class UnknownOrganization(Exception):
    def __init__(self, slug: str) -> None:
        super().__init__(f"Unknown organisation '{slug}'.")
        self.message = str(self)


@dataclass(frozen=True)
class Outcome:
    applied: bool
    detail: str
    subscription: Subscription | None = None


def start_free_plan(organization) -> Subscription:
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
    - Typed: ``events.EVENT_TYPES`` says which statuses and fields each type may set (``parse_event``
      reads only those); unknown types are ignored. A field the event does not carry keeps its value.
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
    rule = EVENT_TYPES.get(event.type)
    if rule is None:
        return _ignored(processed, "unknown event type")
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(organization__slug=event.organization_slug)
        .first()
    )
    if subscription is None:
        raise UnknownOrganization(event.organization_slug)
    if subscription.last_event_at is not None and event.created <= subscription.last_event_at:
        return _ignored(processed, "older than the last event applied", subscription)
    if subscription.status not in rule.applies_to:
        return _ignored(processed, f"does not apply to a {subscription.status} subscription", subscription)
    before = _describe(subscription)
    if event.status is not None:
        subscription.move_to(event.status)
    if event.plan is not None:
        subscription.plan = event.plan
    if event.current_period_end is not None:
        subscription.current_period_end = event.current_period_end
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


def _ignored(processed: WebhookEvent, reason: str, subscription: Subscription | None = None) -> Outcome:
    processed.outcome = f"ignored: {reason}"[:100]
    processed.save(update_fields=["outcome"])
    return Outcome(applied=False, detail=f"ignored: {reason}", subscription=subscription)
