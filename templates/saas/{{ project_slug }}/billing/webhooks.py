"""The billing provider's webhook: the HMAC-SHA256 signature (``BILLING_WEBHOOK_SECRET``) and the payload.

The provider POSTs a JSON object such as ``{"id": "evt_1", "type": "subscription.updated",
"created": "2030-01-01T12:00:00Z", "organization": "<slug>", "plan": "pro", "status": "active",
"current_period_end": "2030-01-31T00:00:00Z"}`` with the header ``X-Billing-Signature: sha256=<hex of
HMAC-SHA256(secret, raw body)>``; the README's "Billing webhook" section describes every field.
``parse_event`` checks the shape (a ``WebhookError`` with the reason otherwise); what an event may change
is decided in ``events.py`` and ``services.apply_event``. Adapt ``parse_event`` to your provider's payload.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

from .events import EVENT_TYPES
from .models import Subscription
from .plans import PLANS

SIGNATURE_HEADER = "X-Billing-Signature"
#: Ids, types and organisation slugs: printable ASCII without spaces (no control character, no NUL).
_TOKEN = re.compile(r"[!-~]+")
#: The latest time a ``created`` may be, in seconds since the epoch (the end of year 9999).
_MAX_TIMESTAMP = 253402300799


class WebhookError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ProviderEvent:
    event_id: str
    type: str
    created: datetime
    #: The fields below are read only for the types in ``EVENT_TYPES``; ``None``: not sent.
    organization_slug: str = ""
    plan: str | None = None
    status: str | None = None
    current_period_end: datetime | None = None
    #: The organisation by id (Stripe's events carry it in their metadata); it wins over the slug.
    organization_id: int | None = None
    #: The provider's subscription and customer ids: stored when the event is applied, and used to find
    #: the organisation when the event names none.
    provider_reference: str | None = None
    provider_customer: str | None = None
    #: Why the event changes nothing although its type is known (e.g. an incomplete Stripe subscription).
    ignore_reason: str = ""


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str, secret: str) -> None:
    if not secret:
        raise WebhookError("Billing webhooks are not configured (BILLING_WEBHOOK_SECRET).", status=503)
    # A signature is ASCII hex: anything else is refused before comparing (compare_digest refuses non-ASCII
    # text with a TypeError).
    if not header.isascii() or not hmac.compare_digest(sign(body, secret).encode(), header.encode()):
        raise WebhookError("Invalid signature.", status=403)


def read_token(payload: dict, name: str, max_length: int) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not _TOKEN.fullmatch(value) or len(value) > max_length:
        raise WebhookError(
            f"'{name}' must be a string of 1 to {max_length} printable ASCII characters without spaces."
        )
    return value


def read_time(payload: dict, name: str) -> datetime | None:
    """A date-time: ISO 8601 (no zone: UTC) or seconds since the epoch. ``None`` when absent or null."""
    value = payload.get(name)
    if value is None:
        return None
    parsed = None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_TIMESTAMP:
        parsed = datetime.fromtimestamp(value, tz=UTC)
    elif isinstance(value, str) and len(value) <= 40:
        try:
            parsed = parse_datetime(value)
        except ValueError:  # well formed but impossible, e.g. month 13
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        try:
            parsed = parsed.astimezone(UTC) if parsed is not None else None
        except OverflowError:  # e.g. year 1 with a positive offset: before the year 1 in UTC
            parsed = None
    if parsed is None:
        raise WebhookError(f"'{name}' must be an ISO 8601 date-time or a number of seconds since 1970.")
    return parsed


def _choice(payload: dict, name: str, choices) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or value not in choices:
        raise WebhookError(f"'{name}' must be one of: {', '.join(choices)}.")
    return value


def load_object(body: bytes) -> dict:
    """The JSON object of a webhook's body; ``WebhookError`` with the reason for anything else."""
    try:
        payload = json.loads(body)
    except RecursionError:
        raise WebhookError("The JSON body is nested too deeply.") from None
    except (UnicodeDecodeError, ValueError):
        raise WebhookError("The body is not JSON.") from None
    if not isinstance(payload, dict):
        raise WebhookError("The body must be a JSON object.")
    return payload


def parse_event(body: bytes) -> ProviderEvent:
    payload = load_object(body)
    event_id = read_token(payload, "id", 100)
    event_type = read_token(payload, "type", 60)
    created = read_time(payload, "created")
    if created is None:
        raise WebhookError("'created' (when the provider created the event) is required.")
    rule = EVENT_TYPES.get(event_type)
    if rule is None:  # acknowledged and ignored: its other fields are not read
        return ProviderEvent(event_id=event_id, type=event_type, created=created)
    status = None
    if rule.status is None:  # a type that means a status (a payment) does not read the payload's
        status = _choice(payload, "status", Subscription.Status.values)
        if status is not None and status not in rule.payload_statuses:
            raise WebhookError(f"A {event_type} event cannot set the status '{status}'.")
    return ProviderEvent(
        event_id=event_id,
        type=event_type,
        created=created,
        organization_slug=read_token(payload, "organization", 50),
        plan=_choice(payload, "plan", PLANS) if rule.sets_plan else None,
        status=rule.status or status,
        current_period_end=read_time(payload, "current_period_end") if rule.sets_period_end else None,
    )
