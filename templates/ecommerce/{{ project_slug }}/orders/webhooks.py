"""The payment gateway's webhook: ``POST /payments/webhook/`` with a JSON body such as
``{"id": "evt_1", "event": "payment.succeeded", "order": "000042", "amount": "59.80", "currency": "EUR",
"reference": "pay_123"}`` and the header ``X-Signature: sha256=<hex HMAC-SHA256 of the raw body>``
computed with ``settings.PAYMENT_WEBHOOK_SECRET``.

Adapt ``parse_event`` to your gateway's payload; keep the signature check first. Answers: 200 done (or
already done), 400 unreadable payload, 403 bad or missing signature, 404 unknown order, 409 the payment does
not fit the order (amount, currency, or an order that cannot be paid any more), 503 no secret configured.

Gateways deliver events more than once and not always in order. Only ``payment.succeeded`` changes an
order, through ``lifecycle.advance`` (a payment the order already received is a no-op, whatever happened to
the order since); every other event (failed, pending…) is acknowledged and changes nothing, so no event
moves an order backwards. An event's ``id``, when the payload has one, is recorded once (``GatewayEvent``,
unique): a second delivery of it answers "Already processed."
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .lifecycle import TransitionNotAllowed, advance
from .models import GatewayEvent, Order

SIGNATURE_HEADER = "X-Signature"
#: Order numbers are the order's primary key, in digits (ASCII only: ``int()`` would read other scripts'
#: digits too); more than 18 digits cannot be a primary key.
ORDER_NUMBER = re.compile(r"[0-9]+")
MAX_ORDER_DIGITS = 18


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``: what the gateway sends, and what tests send."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, header: str, secret: str) -> bool:
    # compare_digest refuses non-ASCII strings (TypeError): such a header is simply not a signature.
    return bool(secret) and header.isascii() and hmac.compare_digest(sign(body, secret), header)


@dataclass(frozen=True)
class PaymentEvent:
    event: str
    order_number: str
    amount: Decimal
    currency: str
    reference: str
    event_id: str = ""  # the gateway's id of the event ("": the payload has none)


class BadPayload(ValueError):
    pass


def _text(data: dict[str, Any], key: str, *, required: bool = True, max_length: int = 100) -> str:
    """``data[key]`` as printable text (a JSON string or number) of at most ``max_length`` characters."""
    value = data.get(key)
    if value is None:
        if required:
            raise BadPayload(f"The payload has no {key!r}.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadPayload(f"{key!r} must be a string.")
    text = str(value)
    if len(text) > max_length or not text.isprintable():
        raise BadPayload(f"{key!r} is not valid (printable text, at most {max_length} characters).")
    return text


def parse_event(body: bytes) -> PaymentEvent:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deeply
        raise BadPayload("The payload is not JSON.") from error
    if not isinstance(data, dict):
        raise BadPayload("The payload is not a payment event.")
    try:
        amount = Decimal(_text(data, "amount"))
    except InvalidOperation:
        raise BadPayload("The amount is not a number.") from None
    if not amount.is_finite():
        raise BadPayload("The amount is not a number.")
    event = PaymentEvent(
        event=_text(data, "event"),
        order_number=_text(data, "order"),
        amount=amount,
        currency=_text(data, "currency"),
        reference=_text(data, "reference", required=False),
        event_id=_text(data, "id", required=False),
    )
    if not ORDER_NUMBER.fullmatch(event.order_number):
        raise BadPayload("The order is not an order number.")
    return event


def _answer(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


@csrf_exempt  # the gateway cannot send a CSRF token; the HMAC signature authenticates the request instead
@require_POST
@transaction.non_atomic_requests
def payment_webhook(request: HttpRequest) -> JsonResponse:
    secret = settings.PAYMENT_WEBHOOK_SECRET
    if not secret:
        return _answer(503, "Webhooks are not configured (PAYMENT_WEBHOOK_SECRET is empty).")
    if not signature_is_valid(request.body, request.headers.get(SIGNATURE_HEADER, ""), secret):
        return _answer(403, "Invalid signature.")
    try:
        event = parse_event(request.body)
    except BadPayload as error:
        return _answer(400, str(error))
    if event.event_id and GatewayEvent.objects.filter(event_id=event.event_id).exists():
        return _answer(200, "Already processed.")
    if event.event != "payment.succeeded":
        return _answer(200, f"Ignored event {event.event!r}: only payment.succeeded changes an order.")
    number = event.order_number
    order = Order.objects.filter(pk=int(number)).first() if len(number) <= MAX_ORDER_DIGITS else None
    if order is None:
        return _answer(404, "Unknown order.")
    if event.currency != order.currency or event.amount != order.total:
        return _answer(
            409, f"The payment ({event.amount} {event.currency}) does not match the order's total."
        )
    try:
        with transaction.atomic():
            if event.event_id:  # unique: a delivery of the same event at the same moment fails here
                GatewayEvent.objects.create(event_id=event.event_id, event=event.event, order=order)
            paid = advance(order, Order.Status.PAID, payment_reference=event.reference)
    except IntegrityError:
        return _answer(200, "Already processed.")
    except TransitionNotAllowed as error:
        return _answer(409, str(error))
    return _answer(200, f"Order {order.number} is paid." if paid else "Already paid.")
