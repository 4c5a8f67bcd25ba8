from django.db import transaction

from ..audit.models import AuditEvent
from ..audit.services import record
from .models import Subscription
from .plans import FREE, PLANS


def start_free_plan(organization) -> Subscription:
    return Subscription.objects.create(
        organization=organization, plan=FREE.code, status=Subscription.Status.ACTIVE
    )


@transaction.atomic
def apply_provider_update(
    organization, *, plan: str, status: str, current_period_end=None, reference: str = ""
) -> Subscription:
    """Move the subscription as the billing provider says (``InvalidTransition`` if the state machine
    forbids it; then nothing changes). Recorded in the audit log."""
    subscription = Subscription.objects.select_for_update().get(organization=organization)
    if plan not in PLANS:
        raise ValueError(f"unknown plan {plan!r}")
    before = f"{subscription.get_plan_display()} ({subscription.get_status_display()})"
    subscription.move_to(status)
    subscription.plan = plan
    subscription.current_period_end = current_period_end
    if reference:
        subscription.provider_reference = reference
    subscription.save()
    after = f"{subscription.get_plan_display()} ({subscription.get_status_display()})"
    if before != after:
        record(
            organization,
            AuditEvent.Action.PLAN_CHANGED,
            actor_label="billing provider",
            summary=f"{before} → {after}",
        )
    return subscription
