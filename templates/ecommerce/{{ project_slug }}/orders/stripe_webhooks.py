"""Stripe's webhook: ``POST /orders/stripe/webhook/``, signed in the ``Stripe-Signature`` header.

Stripe signs each delivery ``t=<unix time>,v1=<hex of HMAC-SHA256(SHOP_STRIPE_WEBHOOK_SECRET, "<t>.<raw
body>")>``; ``stripe.Webhook.construct_event`` checks it first (and refuses a timestamp more than five
minutes old: a replayed delivery). Answers: 200 done, already done or ignored; 400 a bad or missing
signature, or a body that is not a Stripe event; 404 no order for the event (Stripe retries for three days:
a refund reported before the payment is applied once the payment has been); 409 the event does not fit
the order (amount, currency, an order that cannot be paid any more), logged; 503 no secret configured.

The event types handled, each explicitly (every other type is acknowledged and changes nothing):

- ``checkout.session.completed``: the order is paid when the session's ``payment_status`` is ``paid``; a
  delayed method (a bank debit: ``unpaid``) only records the PaymentIntent and waits for
- ``checkout.session.async_payment_succeeded``: the order is paid;
- ``checkout.session.async_payment_failed`` and ``checkout.session.expired``: the order keeps waiting (its
  page starts a new session), its stock reserved until housekeeping cancels it;
- ``charge.refunded``: the charge's running total refunded (``amount_refunded``) is kept on the order,
  only ever raised, so a refund the shop made itself (``StripeCheckout.refund``) and reported here, or a
  late or repeated event, is never counted twice.

An event is acted on once: its id is recorded with its effect in one transaction (``GatewayEvent``,
unique), and a second delivery answers "Already processed.". Paying goes through ``lifecycle.advance``, so
a late or repeated payment never moves an order backwards (a shipped or cancelled order stays so).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .lifecycle import TransitionNotAllowed, advance
from .models import GatewayEvent, Order
from .stripe_payments import from_minor_units, minor_units
from .webhooks import MAX_ORDER_DIGITS, ORDER_NUMBER

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Stripe-Signature"


class Refused(Exception):
    """The event cannot be applied; ``status`` is the answer's, the message says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _answer(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _text(data: dict[str, Any], key: str, *, max_length: int = 255) -> str:
    """``data[key]`` as a non-empty printable string (a Stripe id, type or status), or ``Refused`` (400)."""
    value = data.get(key)
    if not isinstance(value, str) or not value or len(value) > max_length or not value.isprintable():
        raise Refused(400, f"{key!r} must be a string of at most {max_length} printable characters.")
    return value


def _optional_text(data: dict[str, Any], key: str) -> str:
    return "" if data.get(key) is None else _text(data, key)


def _amount(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Refused(400, f"{key!r} must be a whole number of the currency's smallest unit.")
    return value


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Refused(400, f"{key!r} must be an object.")
    return value


def _session_order(session: dict[str, Any]) -> Order:
    """The order a Checkout Session pays: the number its metadata carries (``start()`` put it there)."""
    number = _object(session, "metadata").get("order_number") or session.get("client_reference_id")
    if not isinstance(number, str) or not ORDER_NUMBER.fullmatch(number) or len(number) > MAX_ORDER_DIGITS:
        raise Refused(404, "The session names no order of this shop.")
    order = Order.objects.filter(pk=int(number), payment_method="stripe").first()
    if order is None:
        raise Refused(404, f"Unknown order {number} (or not paid by Stripe).")
    return order


def _check_amount(order: Order, amount: int, currency: str, what: str) -> None:
    """``Refused`` (409, logged) unless ``amount`` minor units of ``currency`` are the order's total."""
    if currency.upper() == order.currency.upper() and amount == minor_units(order.total, order.currency):
        return
    paid = f"{from_minor_units(amount, currency)} {currency.upper()}"
    logger.error(
        "Stripe %s of %s does not match order %s (%s %s)",
        what,
        paid,
        order.number,
        order.total,
        order.currency,
    )
    raise Refused(409, f"The {what} ({paid}) does not match the order's total; the order was not changed.")


def _record(event_id: str, event_type: str, order: Order) -> None:
    """Record the event (in the caller's transaction): a second delivery, even at the same moment, fails
    here with ``IntegrityError`` and changes nothing."""
    GatewayEvent.objects.create(event_id=event_id, event=event_type, order=order)


def _pay(event_id: str, event_type: str, session: dict[str, Any]) -> str:
    order = _session_order(session)
    if _text(session, "payment_status") != "paid":
        return _wait(event_id, event_type, session, order)
    _check_amount(order, _amount(session, "amount_total"), _text(session, "currency"), "payment")
    intent = _text(session, "payment_intent")
    try:
        with transaction.atomic():
            _record(event_id, event_type, order)
            mine = Order.objects.filter(pk=order.pk, stripe_payment_intent__in=["", intent])
            if not mine.update(stripe_payment_intent=intent):
                logger.error("Order %s, paid by another payment, was paid again: %s", order.number, intent)
                raise Refused(409, f"Order {order.number} was paid by another payment: refund {intent}.")
            paid = advance(order, Order.Status.PAID, payment_reference=intent[:100])
    except TransitionNotAllowed as error:
        logger.error(
            "Stripe took a payment (%s) for order %s, which cannot be paid: %s", intent, order.number, error
        )
        raise Refused(409, f"{error} Refund the payment {intent} in Stripe.") from None
    return f"Order {order.number} is paid." if paid else "Already paid."


def _wait(event_id: str, event_type: str, session: dict[str, Any], order: Order | None = None) -> str:
    """A session that did not pay (yet): the order keeps waiting; a PaymentIntent it names is kept."""
    order = order or _session_order(session)
    intent = _optional_text(session, "payment_intent")
    with transaction.atomic():
        _record(event_id, event_type, order)
        if intent:  # only on an order no other payment has paid
            Order.objects.filter(pk=order.pk, stripe_payment_intent="").update(stripe_payment_intent=intent)
    return f"Order {order.number} waits for its payment ({event_type})."


def _refunded(event_id: str, event_type: str, charge: dict[str, Any]) -> str:
    intent = _text(charge, "payment_intent")
    order = Order.objects.filter(stripe_payment_intent=intent).first()
    if order is None:
        raise Refused(404, "No order was paid with this charge's payment (yet).")
    currency = _text(charge, "currency")
    refunded = _amount(charge, "amount_refunded")
    if currency.upper() != order.currency.upper() or refunded > minor_units(order.total, order.currency):
        amount = f"{from_minor_units(refunded, currency)} {currency.upper()}"
        logger.error("Stripe reports %s refunded of order %s (total %s)", amount, order.number, order.total)
        raise Refused(409, f"A refund of {amount} does not fit the order's total; nothing was recorded.")
    amount = from_minor_units(refunded, currency)
    with transaction.atomic():
        _record(event_id, event_type, order)
        # The running total, only ever raised: a late event (a smaller total) or a refund already counted
        # changes nothing.
        raised = Order.objects.filter(pk=order.pk, stripe_refunded__lt=amount).update(stripe_refunded=amount)
    return (
        f"Order {order.number}: {amount} {order.currency} refunded." if raised else "Refund already recorded."
    )


HANDLERS: dict[str, Callable[[str, str, dict[str, Any]], str]] = {
    "checkout.session.completed": _pay,
    "checkout.session.async_payment_succeeded": _pay,
    "checkout.session.async_payment_failed": _wait,
    "checkout.session.expired": _wait,
    "charge.refunded": _refunded,
}


def _verified_event(request: HttpRequest) -> dict[str, Any]:
    """The body, verified with the library's signature check, as a JSON object; ``Refused`` otherwise."""
    secret = settings.SHOP_STRIPE_WEBHOOK_SECRET
    if not secret:
        raise Refused(503, "Stripe webhooks are not configured (SHOP_STRIPE_WEBHOOK_SECRET is empty).")
    header = request.headers.get(SIGNATURE_HEADER, "")
    if not header:
        raise Refused(400, "Missing signature: no Stripe-Signature header.")
    if not header.isascii():  # the library compares signatures with compare_digest: ASCII only
        raise Refused(400, "Invalid signature: the Stripe-Signature header is not ASCII.")
    try:
        stripe.Webhook.construct_event(request.body, header, secret)
    except stripe.SignatureVerificationError as error:
        raise Refused(400, f"Invalid signature: {error.user_message}") from None
    except (ValueError, RecursionError, AttributeError):  # not UTF-8, not JSON, or not a JSON object
        raise Refused(400, "The body is not a Stripe event (a JSON object).") from None
    return json.loads(request.body)


@csrf_exempt  # Stripe cannot send a CSRF token; its signature authenticates the request instead
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        payload = _verified_event(request)
        event_id, event_type = _text(payload, "id", max_length=100), _text(payload, "type", max_length=100)
        handler = HANDLERS.get(event_type)
        if handler is None:
            return _answer(200, f"Ignored event {event_type!r}.")
        if GatewayEvent.objects.filter(event_id=event_id).exists():
            return _answer(200, "Already processed.")
        return _answer(200, handler(event_id, event_type, _object(_object(payload, "data"), "object")))
    except Refused as error:
        return _answer(error.status, str(error))
    except IntegrityError:
        if GatewayEvent.objects.filter(event_id=event_id).exists():  # delivered twice at once: done once
            return _answer(200, "Already processed.")
        logger.error("Stripe event %s names a payment another order already has", event_id)
        return _answer(409, "This payment belongs to another order; nothing was changed.")
