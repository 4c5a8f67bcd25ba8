"""Card payments with Stripe Checkout, through the official ``stripe`` library (payment method ``stripe``).

Offered at checkout when ``"stripe"`` is in ``settings.SHOP_PAYMENT_METHODS``; it needs
``SHOP_STRIPE_SECRET_KEY`` and ``SHOP_STRIPE_WEBHOOK_SECRET`` (``checks.py`` stops the site without them).

- ``start(order)`` runs after the order is committed and outside any stock lock (the checkout view calls it
  then; the order page calls it while the order waits for payment). It returns the URL of the order's
  Checkout Session: the open one already created, or a new one when there is none or the last one expired.
  A new session is created with an idempotency key derived from the order and the session it replaces,
  so a double click, a retry by the library or two tabs at once create one session, never two a customer
  could both pay. Its id is stored on the order (``stripe_session_id``).
- Nothing here marks an order paid: Stripe's signed webhook does (``stripe_webhooks.py``), once it reports
  the payment, and records the PaymentIntent that ``refund()`` refunds.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.contrib.sites.models import Site
from django.utils.crypto import salted_hmac

from .models import Order
from .payments import PROVIDERS, PaymentProvider, PaymentStart, RefundError

logger = logging.getLogger(__name__)

#: Currencies Stripe takes in whole units (no cents), and those with three decimals (the last one 0);
#: every other currency has two (https://docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL = frozenset({
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
    "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
})  # fmt: skip
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
#: The session statuses Stripe reports (``retrieve``): still payable, paid (or being paid), over.
OPEN, COMPLETE = "open", "complete"


def decimal_places(currency: str) -> int:
    """How many decimals Stripe counts in ``currency`` (0 for JPY, 3 for KWD, 2 for most)."""
    code = currency.upper()
    return 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2


def minor_units(amount: Decimal, currency: str) -> int:
    """``amount`` in the currency's smallest unit, as Stripe counts it (EUR 12.50 → 1250, JPY 1200 → 1200);
    ``ValueError`` when the amount has more decimals than the currency."""
    code, places = currency.upper(), decimal_places(currency)
    minor = amount.scaleb(places)
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} {code} cannot be charged: {code} has {places} decimal places at Stripe.")
    return int(minor)


def from_minor_units(minor: int, currency: str) -> Decimal:
    """The amount of ``minor`` smallest units (the inverse of ``minor_units``)."""
    return Decimal(minor).scaleb(-decimal_places(currency))


def order_url(order: Order) -> str:
    """The order's page, absolute: the site's domain from the Sites framework, as in the emails; over plain
    HTTP with ``DEBUG`` (``runserver`` while trying Stripe's test mode)."""
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{Site.objects.get_current().domain}{order.get_absolute_url()}"


def line_items(order: Order) -> list[dict]:
    """Stripe's ``line_items``: each line, the shipping and any added tax, priced in the order's currency.
    An order whose lines do not add up to its total that way (a voucher's discount: Stripe's line items
    cannot be negative) is one item, "Order 000042", of the total; Stripe charges exactly the total."""
    currency = order.currency.lower()

    def item(name: str, amount: Decimal, quantity: int = 1) -> dict:
        price = {
            "currency": currency,
            "unit_amount": minor_units(amount, currency),
            "product_data": {"name": name},
        }
        return {"price_data": price, "quantity": quantity}

    lines = list(order.lines.all())
    items = [item(f"{line.product_name} ({line.sku})", line.unit_price, line.quantity) for line in lines]
    if order.shipping_price:
        items.append(item(f"Shipping: {order.shipping_method}", order.shipping_price))
    if order.tax and not order.tax_included:
        items.append(item(f"{settings.SHOP_TAX_LABEL} {order.tax_rate.normalize()} %", order.tax))
    charged = sum(entry["price_data"]["unit_amount"] * entry["quantity"] for entry in items)
    if order.discount or charged != minor_units(order.total, currency):
        return [item(f"Order {order.number}", order.total)]
    return items


class StripeCheckout(PaymentProvider):
    code = "stripe"
    label = "Card (Stripe)"
    #: The library's HTTP client; ``None``: its default. Tests put a fake here (they never reach Stripe).
    http_client: stripe.HTTPClient | None = None

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            settings.SHOP_STRIPE_SECRET_KEY, http_client=self.http_client, max_network_retries=2
        )

    @staticmethod
    def idempotency_key(order: Order, replaces: str = "") -> str:
        """The key of the session that pays ``order`` after ``replaces`` (the expired session; "" for the
        first): the same for every attempt to create it, distinct per project (salted with ``SECRET_KEY``)."""
        value = f"{order.pk}:{order.total}:{order.currency}:{replaces}"
        return salted_hmac("orders.stripe.checkout", value, algorithm="sha256").hexdigest()

    def session_params(self, order: Order) -> dict:
        number = order.number
        url = order_url(order)
        return {
            "mode": "payment",
            "line_items": line_items(order),
            "client_reference_id": number,
            "customer_email": order.email,
            "metadata": {"order_number": number},
            "payment_intent_data": {"metadata": {"order_number": number}},
            "success_url": url,
            "cancel_url": url,
        }

    def start(self, order: Order) -> PaymentStart:
        if order.status != Order.Status.PENDING_PAYMENT:
            return PaymentStart(instructions="This order is not waiting for a card payment.")
        if not settings.SHOP_STRIPE_SECRET_KEY:
            return PaymentStart(
                instructions="Card payments are not available at the moment; please contact us."
            )
        try:
            url = self._session_url(order)
        except ValueError as error:  # an amount the currency cannot carry
            return PaymentStart(instructions=f"This order cannot be paid by card: {error}")
        except stripe.StripeError as error:
            logger.warning("Stripe refused a Checkout Session for order %s: %s", order.number, error)
            reason = error.user_message or "no reason given"
            return PaymentStart(
                instructions=f"Card payment could not be started ({reason}). Please try again from this page."
            )
        if url is None:
            return PaymentStart(
                instructions="Your card payment is being confirmed: this page shows it once Stripe tells us."
            )
        return PaymentStart(
            instructions="Pay by card on Stripe's secure page; we ship once the payment is confirmed.",
            redirect_url=url,
        )

    def _session_url(self, order: Order) -> str | None:
        """The URL of the order's open session (a new one if needed); ``None`` once it has been paid."""
        client = self._client()
        replaces = order.stripe_session_id
        if replaces:
            session = client.v1.checkout.sessions.retrieve(replaces)
            if session.status == OPEN:
                return session.url
            if session.status == COMPLETE:
                return None
        session = client.v1.checkout.sessions.create(
            params=self.session_params(order),  # type: ignore[arg-type]
            options={"idempotency_key": self.idempotency_key(order, replaces)},
        )
        # Only over the session it replaced: a concurrent start() got the same session (same key) anyway.
        Order.objects.filter(pk=order.pk, stripe_session_id=replaces).update(stripe_session_id=session.id)
        order.stripe_session_id = session.id
        return session.url

    def refund(self, order: Order, amount: Decimal, *, idempotency_key: str) -> str:
        """Refund ``amount`` of the order's Stripe payment; the refund's id (``re_…``), or ``RefundError``."""
        if not order.stripe_payment_intent:
            raise RefundError(f"Order {order.number} has no Stripe payment to refund.")
        if amount <= 0:
            raise RefundError("A refund must be more than zero.")
        try:
            minor = minor_units(amount, order.currency)
        except ValueError as error:
            raise RefundError(str(error)) from None
        try:
            refund = self._client().v1.refunds.create(
                params={
                    "payment_intent": order.stripe_payment_intent,
                    "amount": minor,
                    "metadata": {"order_number": order.number},
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            logger.warning("Stripe refused a refund of order %s: %s", order.number, error)
            raise RefundError(
                f"Stripe refused the refund: {error.user_message or 'no reason given'}."
            ) from None
        return refund.id


#: Registered with the other providers; offered at checkout only when listed in SHOP_PAYMENT_METHODS.
PROVIDERS[StripeCheckout.code] = StripeCheckout()
