"""Stripe's webhook (``/billing/stripe/webhook/``): the library's signature check and Stripe's event shapes.

Stripe signs each delivery in the ``Stripe-Signature`` header: ``t=<unix time>,v1=<hex of
HMAC-SHA256(STRIPE_WEBHOOK_SECRET, "<t>.<raw body>")>``. ``verify`` runs the official library's check
(``stripe.WebhookSignature.verify_header``, the one ``stripe.Webhook.construct_event`` makes), which also
refuses a timestamp more than five minutes old (a replayed delivery).

``parse_event`` reads the types of ``events.STRIPE_EVENT_TYPES`` into a ``ProviderEvent`` for
``services.apply_event``, ordered by the event's ``created`` time. The organisation is the id the checkout
put in the subscription's metadata (``organization_id``) and in ``client_reference_id``; an event without
it is matched by the Stripe subscription or customer id already stored. Both the current shape
(``items.data[].current_period_end``, ``invoice.parent.subscription_details``) and the one before Stripe's
2025-03-31 API version (``current_period_end``, ``invoice.subscription``) are read.
"""

import stripe
from django.conf import settings

from .events import STRIPE_EVENT_TYPES
from .models import Subscription
from .webhooks import ProviderEvent, WebhookError, load_object, read_time, read_token

SIGNATURE_HEADER = "Stripe-Signature"
Status = Subscription.Status
#: Stripe's subscription statuses and ours.
STATUSES: dict[str, str] = {
    "trialing": Status.TRIALING,
    "active": Status.ACTIVE,
    "past_due": Status.PAST_DUE,
    "unpaid": Status.PAST_DUE,  # retries exhausted: the grace period runs out, then the free plan applies
    "canceled": Status.CANCELLED,
    "paused": Status.CANCELLED,  # a trial that ended without a payment method
}
#: A subscription whose first payment has not gone through: it grants nothing and changes nothing.
NOT_STARTED = frozenset({"incomplete", "incomplete_expired"})


def verify(body: bytes, header: str, secret: str) -> None:
    if not secret:
        raise WebhookError("Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET).", status=503)
    if not header.isascii():  # the library compares signatures with compare_digest: ASCII only
        raise WebhookError("Invalid signature: the Stripe-Signature header is not ASCII.")
    try:
        stripe.WebhookSignature.verify_header(body, header, secret, stripe.Webhook.DEFAULT_TOLERANCE)
    except stripe.SignatureVerificationError as error:
        raise WebhookError(f"Invalid signature: {error.user_message}") from None
    except UnicodeDecodeError:
        raise WebhookError("The body is not UTF-8.") from None


def _object(payload: dict, *path: str) -> dict:
    """The object at ``path`` (``{}`` when absent or null); ``WebhookError`` if it is not an object."""
    value = payload
    for name in path:
        value = value.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise WebhookError(f"'{'.'.join(path)}' must be an object.")
    return value


def _id(payload: dict, name: str) -> str | None:
    """A Stripe id (``cus_…``, ``sub_…``), given as a string or as the expanded object; ``None``: absent."""
    value = payload.get(name)
    if isinstance(value, dict):
        value = value.get("id")
    if value is None:
        return None
    return read_token({name: value}, name, 100)


def _organization_id(*values) -> int | None:
    """The first value that is an organisation id (digits, as the checkout sent it)."""
    for value in values:
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
            return int(value)
    return None


def _plan(subscription: dict) -> str:
    """The plan of the subscription's price (``STRIPE_PRICES``); ``WebhookError`` if none is a plan's."""
    plans = {price: code for code, price in settings.STRIPE_PRICES.items() if price}
    prices = []
    for item in _items(subscription):
        price = _id(item, "price")
        if price in plans:
            return plans[price]
        prices.append(price)
    raise WebhookError(
        f"No price of the subscription ({', '.join(map(str, prices)) or 'none'}) is a plan's: set the "
        "plans' Stripe price ids (STRIPE_PRICE_TEAM, STRIPE_PRICE_PRO)."
    )


def _items(subscription: dict) -> list[dict]:
    items = _object(subscription, "items").get("data") or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise WebhookError("'items.data' must be a list of objects.")
    return items


def _checkout(event: ProviderEvent, session: dict) -> ProviderEvent:
    if session.get("mode") != "subscription":
        return _ignore(event, "not a subscription checkout")
    return _with(
        event,
        organization_id=_organization_id(
            session.get("client_reference_id"), _object(session, "metadata").get("organization_id")
        ),
        provider_reference=_id(session, "subscription"),
        provider_customer=_id(session, "customer"),
    )


def _subscription(event: ProviderEvent, subscription: dict, rule) -> ProviderEvent:
    stripe_status = subscription.get("status")
    if stripe_status in NOT_STARTED:
        return _ignore(event, f"the subscription is {stripe_status}")
    status = rule.status
    if status is None:
        if stripe_status not in STATUSES:
            raise WebhookError(f"'status' must be one of: {', '.join([*STATUSES, *NOT_STARTED])}.")
        status = STATUSES[stripe_status]
        if status not in rule.payload_statuses:
            raise WebhookError(f"A {event.type} event cannot set the status '{stripe_status}'.")
    items = _items(subscription)
    period_end = read_time(items[0] if items else {}, "current_period_end") or read_time(
        subscription, "current_period_end"
    )
    return _with(
        event,
        organization_id=_organization_id(_object(subscription, "metadata").get("organization_id")),
        provider_reference=_id(subscription, "id"),
        provider_customer=_id(subscription, "customer"),
        status=status,
        plan=_plan(subscription) if rule.sets_plan else None,
        current_period_end=period_end if rule.sets_period_end else None,
    )


def _invoice(event: ProviderEvent, invoice: dict, rule) -> ProviderEvent:
    details = _object(invoice, "parent", "subscription_details") or _object(invoice, "subscription_details")
    reference = _id(invoice, "subscription") or _id(details, "subscription")
    if reference is None:
        return _ignore(event, "not a subscription's invoice")
    return _with(
        event,
        organization_id=_organization_id(_object(details, "metadata").get("organization_id")),
        provider_reference=reference,
        provider_customer=_id(invoice, "customer"),
        status=rule.status,
    )


def _with(event: ProviderEvent, **fields) -> ProviderEvent:
    return ProviderEvent(event.event_id, event.type, event.created, **fields)


def _ignore(event: ProviderEvent, reason: str) -> ProviderEvent:
    return _with(event, ignore_reason=reason)


def parse_event(body: bytes) -> ProviderEvent:
    """The verified body as a ``ProviderEvent``; ``WebhookError`` (400) with the reason if malformed."""
    payload = load_object(body)
    created = read_time(payload, "created")
    if created is None:
        raise WebhookError("'created' (when Stripe created the event) is required.")
    event = ProviderEvent(read_token(payload, "id", 100), read_token(payload, "type", 60), created)
    rule = STRIPE_EVENT_TYPES.get(event.type)
    if rule is None:  # acknowledged and ignored: its object is not read
        return event
    data = _object(payload, "data", "object")
    if event.type == "checkout.session.completed":
        return _checkout(event, data)
    if event.type.startswith("customer.subscription."):
        return _subscription(event, data, rule)
    return _invoice(event, data, rule)
