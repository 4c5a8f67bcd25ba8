"""Payment providers: how an order gets paid. Each provider is small: ``start(order)`` tells the customer
what happens next. Nothing here marks an order paid; that is ``lifecycle.transition(order, PAID)``, called by
staff (offline methods) or by the gateway's signed webhook (``webhooks.py``).

To add a card gateway, subclass ``PaymentProvider``: ``start()`` creates the payment with the gateway's
client library and returns its ``redirect_url``; register it in ``PROVIDERS`` and list its code in
``settings.SHOP_PAYMENT_METHODS``. The gateway then confirms through the webhook.

Refunds: ``refund(order, amount, idempotency_key=…)`` gives money back and returns the provider's reference,
or raises ``RefundError`` with the provider's reason. ``refunds.py`` calls it (never directly elsewhere),
after the amount is recorded and committed, outside any row lock; a gateway passes the key on as its own
idempotency key, so a retried refund is made once. Bank transfer and cash on delivery cannot send money
themselves: their refund is manual (staff pay it back from the bank account or in cash) and is recorded
with the reference ``manual-<key>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from ..cart.currency import format_money
from .models import Order


@dataclass(frozen=True)
class PaymentStart:
    """What the customer sees after placing the order: instructions, or a page to go to."""

    instructions: str = ""
    redirect_url: str = ""


class PaymentProvider:
    code: str = ""
    label: str = ""
    #: True when the money is collected at delivery: the order may ship before it is paid.
    paid_on_delivery: bool = False

    def start(self, order: Order) -> PaymentStart:
        """Begin paying ``order`` (called after the order is committed, outside any stock lock)."""
        raise NotImplementedError

    def refund(self, order: Order, amount: Decimal, *, idempotency_key: str) -> str:
        """Give ``amount`` of ``order``'s payment back; the provider's reference of the refund, or
        ``RefundError`` when the provider refuses. Called with the same key again, make the refund once."""
        raise NotImplementedError


class RefundError(Exception):
    """A refund that was not made; the message is the reason (shown to staff)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ManualRefunds:
    """For offline methods: the shop cannot send money, staff pay it back outside the shop (a bank transfer,
    cash); the refund is recorded with the reference ``manual-<key>``."""

    def refund(self, order: Order, amount: Decimal, *, idempotency_key: str) -> str:
        return f"manual-{idempotency_key}"


class BankTransfer(ManualRefunds, PaymentProvider):
    code = "bank_transfer"
    label = "Bank transfer"

    def start(self, order: Order) -> PaymentStart:
        account = settings.SHOP_BANK_ACCOUNT or "the account shown on our invoice"
        return PaymentStart(
            instructions=(
                f"Please transfer {format_money(order.total, order.currency)} to {account}, "
                f"with “Order {order.number}” as the reference. We ship once the money has arrived."
            )
        )


class CashOnDelivery(ManualRefunds, PaymentProvider):
    code = "cash_on_delivery"
    label = "Cash on delivery"
    paid_on_delivery = True

    def start(self, order: Order) -> PaymentStart:
        return PaymentStart(instructions=f"Please have {order.total} {order.currency} ready for the courier.")


PROVIDERS: dict[str, PaymentProvider] = {
    provider.code: provider for provider in (BankTransfer(), CashOnDelivery())
}


#: Codes of the providers whose orders are paid when delivered: they may ship before they are paid.
PAID_ON_DELIVERY = frozenset(code for code, provider in PROVIDERS.items() if provider.paid_on_delivery)


def enabled_providers() -> list[PaymentProvider]:
    """The providers offered at checkout, in the order of ``settings.SHOP_PAYMENT_METHODS``."""
    return [PROVIDERS[code] for code in settings.SHOP_PAYMENT_METHODS if code in PROVIDERS]


def provider_for(order: Order) -> PaymentProvider | None:
    return PROVIDERS.get(order.payment_method)
