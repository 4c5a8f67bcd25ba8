"""The seat quantity billed follows the member count: after a member joins or leaves, the provider is told
the new count (``BillingProvider.sync_seats``; Stripe with per-seat prices updates the subscription item).

Sent once the change is committed (``transaction.on_commit``): never for a rolled-back change, and never
while the change's row locks are held, so no lock waits on the provider's network. The count is read
when sending, so it is the committed one. A provider's refusal is logged; the membership change stands,
and the count is sent again by the next join or leave, or by ``reconcile_seats`` (daily: Celery beat, or
``manage.py reconcile_seats`` from cron), whichever comes first.
"""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from .models import Subscription
from .providers import BillingUnavailable, get_provider

logger = logging.getLogger(__name__)


def sync_seats_after_commit(organization) -> None:
    """Tell the provider the member count once the current transaction commits (now, outside one)."""
    organization_id, change_id = organization.pk, uuid.uuid4().hex
    transaction.on_commit(lambda: sync_seats(organization_id, change_id), robust=True)


def sync_seats(organization_id: int, change_id: str) -> bool:
    """Send the organisation's member count to the provider if a paid subscription runs there. True if the
    provider was told."""
    provider = get_provider()
    subscription = (
        Subscription.objects.select_related("organization").filter(organization_id=organization_id).first()
    )
    if provider is None or subscription is None or not subscription.is_live_paid:
        return False
    organization = subscription.organization
    quantity = organization.memberships.count()
    try:
        return provider.sync_seats(organization, subscription, quantity, change_id)
    except BillingUnavailable as error:
        logger.warning("Seats of %s not synced (%s members): %s", organization.slug, quantity, error.message)
        return False


def reconcile_seats() -> list[str]:
    """Send every live paid subscription's member count again: the safety net for a sync the provider
    refused or never got. The provider compares first, so only a drifted quantity is changed; the change
    id is the day's, so a second run the same day repeats nothing. The slugs whose quantity was changed."""
    if get_provider() is None:
        return []
    change_id = f"reconcile-{timezone.localdate().isoformat()}"
    subscriptions = Subscription.objects.filter(status__in=Subscription.PAID_STATUSES).select_related(
        "organization"
    )
    return [
        subscription.organization.slug
        for subscription in subscriptions
        if subscription.is_live_paid and sync_seats(subscription.organization_id, change_id)
    ]
