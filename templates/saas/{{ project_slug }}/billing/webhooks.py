"""The billing provider's webhook: HMAC-SHA256 signed with ``BILLING_WEBHOOK_SECRET``.

The provider POSTs JSON such as
``{"id": "evt_1", "type": "subscription.updated", "organization": "<slug>", "plan": "pro",
"status": "active", "current_period_end": "2030-01-31T00:00:00Z"}`` with the header
``X-Billing-Signature: sha256=<hex of HMAC-SHA256(secret, raw body)>``. Adapt ``parse_event`` to your
provider's payload.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime

from .models import Subscription
from .plans import PLANS

SIGNATURE_HEADER = "X-Billing-Signature"


class WebhookError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class SubscriptionEvent:
    event_id: str
    type: str
    organization_slug: str
    plan: str
    status: str
    current_period_end: datetime | None


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str, secret: str) -> None:
    if not secret:
        raise WebhookError("Billing webhooks are not configured (BILLING_WEBHOOK_SECRET).", status=503)
    if not header or not hmac.compare_digest(sign(body, secret), header):
        raise WebhookError("Invalid signature.", status=403)


def parse_event(body: bytes) -> SubscriptionEvent:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise WebhookError("The body is not JSON.") from None
    if not isinstance(payload, dict):
        raise WebhookError("The body must be a JSON object.")
    fields = {}
    for name in ("id", "type", "organization", "plan", "status"):
        value = payload.get(name)
        if not isinstance(value, str) or not value or len(value) > 100:
            raise WebhookError(f"'{name}' must be a non-empty string.")
        fields[name] = value
    if fields["plan"] not in PLANS:
        raise WebhookError(f"Unknown plan '{fields['plan']}'.")
    if fields["status"] not in Subscription.Status.values:
        raise WebhookError(f"Unknown status '{fields['status']}'.")
    period_end = payload.get("current_period_end")
    parsed_end = None
    if period_end is not None:
        try:
            parsed_end = parse_datetime(period_end) if isinstance(period_end, str) else None
        except ValueError:  # well formed but impossible, e.g. month 13
            parsed_end = None
        if parsed_end is None:
            raise WebhookError("'current_period_end' must be an ISO 8601 date-time.")
    return SubscriptionEvent(
        event_id=fields["id"],
        type=fields["type"],
        organization_slug=fields["organization"],
        plan=fields["plan"],
        status=fields["status"],
        current_period_end=parsed_end,
    )
