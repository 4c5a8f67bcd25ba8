"""One provider event (generic or Stripe's) delivered several times at the same moment, on a real
PostgreSQL database.

Providers retry while a first delivery is still being processed. Each thread has its own connection (see
``core.tests.concurrency``); the
unique event id makes every delivery but one wait and then find it processed, so the event is applied
(and audited) once. Skipped on SQLite, which serialises writers anyway: run it with
``DATABASE_URL=postgres://…`` (the CI workflow does).
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from ...audit.models import AuditEvent
from ...core.tests.concurrency import postgresql_only, run_at_once
from ...organizations.tests.factories import OrganizationFactory
from ..models import Subscription, WebhookEvent
from ..webhooks import SIGNATURE_HEADER, sign
from .test_billing import SECRET
from .test_stripe import sign_stripe

DELIVERIES = 4


def _delivered_at_once_are_applied_once(url: str, body: str | bytes, headers: dict[str, str]) -> None:
    """``DELIVERIES`` copies of one signed event at the same moment: one applies it, the rest are told so."""

    def deliver() -> str:
        response = Client().post(url, body, content_type="application/json", headers=headers)
        return f"{response.status_code} {response.json()['status']}"

    results = run_at_once(deliver, DELIVERIES)
    assert sorted(results) == ["200 already processed"] * (DELIVERIES - 1) + ["200 applied"], results


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_event_apply_it_once():
    organization = OrganizationFactory(plan="free")
    event = {"id": "evt_once", "type": "subscription.updated", "created": "2030-01-01T00:00:00Z",
             "organization": organization.slug, "plan": "pro", "status": "active"}  # fmt: skip
    body = json.dumps(event).encode()
    headers = {SIGNATURE_HEADER: sign(body, SECRET)}
    _delivered_at_once_are_applied_once(reverse("billing:webhook"), body, headers)
    assert Subscription.objects.get(organization=organization).plan == "pro"
    assert WebhookEvent.objects.count() == 1
    assert AuditEvent.unscoped.filter(action=AuditEvent.Action.PLAN_CHANGED).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_stripe_event_apply_it_once():
    organization = OrganizationFactory(plan="free")
    subscription = {"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "active",
                    "metadata": {"organization_id": str(organization.pk)},
                    "items": {"data": [{"id": "si_1", "price": {"id": "price_pro"}}]}}  # fmt: skip
    event = {"id": "evt_stripe_once", "object": "event", "created": 1893456000,
             "type": "customer.subscription.created", "data": {"object": subscription}}  # fmt: skip
    payload = json.dumps(event)
    headers = {"Stripe-Signature": sign_stripe(payload)}
    _delivered_at_once_are_applied_once(reverse("billing:stripe_webhook"), payload, headers)
    assert Subscription.objects.get(organization=organization).plan == "pro"
    assert WebhookEvent.objects.count() == 1
