"""The payment gateway's webhook: ``POST /payments/webhook/`` with a JSON body such as
``{"event": "payment.succeeded", "order": "000042", "amount": "59.80", "currency": "EUR",
"reference": "pay_123"}`` and the header ``X-Signature: sha256=<hex HMAC-SHA256 of the raw body>``
computed with ``settings.PAYMENT_WEBHOOK_SECRET``.

Adapt ``parse_event`` to your gateway's payload; keep the signature check first. Answers: 200 done (or
already done), 400 unreadable payload, 403 bad or missing signature, 404 unknown order, 409 the payment does
not fit the order (amount, currency, or an order that cannot be paid any more), 503 no secret configured.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .lifecycle import TransitionNotAllowed, transition
from .models import Order

SIGNATURE_HEADER = "X-Signature"


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``: what the gateway sends, and what tests send."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, header: str, secret: str) -> bool:
    return bool(secret) and hmac.compare_digest(sign(body, secret), header)


@dataclass(frozen=True)
class PaymentEvent:
    event: str
    order_number: str
    amount: Decimal
    currency: str
    reference: str


class BadPayload(ValueError):
    pass


def parse_event(body: bytes) -> PaymentEvent:
    try:
        data = json.loads(body)
        event = PaymentEvent(
            event=str(data["event"]),
            order_number=str(data["order"]),
            amount=Decimal(str(data["amount"])),
            currency=str(data["currency"]),
            reference=str(data.get("reference", ""))[:100],
        )
    except (ValueError, TypeError, KeyError, InvalidOperation) as error:
        raise BadPayload("The payload is not a payment event.") from error
    if not event.amount.is_finite():
        raise BadPayload("The amount is not a number.")
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
    if event.event != "payment.succeeded":
        return _answer(200, f"Ignored event {event.event!r}.")
    number = event.order_number
    order = Order.objects.filter(pk=int(number)).first() if number.isdigit() and len(number) <= 18 else None
    if order is None:
        return _answer(404, "Unknown order.")
    if event.currency != order.currency or event.amount != order.total:
        return _answer(
            409, f"The payment ({event.amount} {event.currency}) does not match the order's total."
        )
    if order.status == Order.Status.PAID and order.payment_reference == event.reference:
        return _answer(200, "Already paid.")  # the gateway retried a delivery
    try:
        transition(order, Order.Status.PAID, payment_reference=event.reference)
    except TransitionNotAllowed as error:
        return _answer(409, str(error))
    return _answer(200, f"Order {order.number} is paid.")
