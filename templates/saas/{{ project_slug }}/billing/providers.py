"""The adapter point for a real billing provider (Stripe, Paddle, Lemon Squeezy…).

The site never charges anyone itself: "Upgrade" sends the owner to the provider's hosted checkout
(``BILLING_CHECKOUT_URL``, e.g. a Stripe Payment Link), and the provider reports the result to the signed
webhook (``webhooks.py``), which moves the subscription. Swap ``HostedCheckout`` for a provider SDK call
(e.g. ``stripe.checkout.Session.create``) when you need more than a link.
"""

from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings

from .plans import Plan


class BillingProvider(Protocol):
    def checkout_url(self, organization, plan: Plan) -> str: ...


class HostedCheckout:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def checkout_url(self, organization, plan: Plan) -> str:
        separator = "&" if "?" in self.base_url else "?"
        query = urlencode({"client_reference_id": organization.slug, "plan": plan.code})
        return f"{self.base_url}{separator}{query}"


def get_provider() -> BillingProvider | None:
    """The configured provider, or ``None`` when billing is not set up (upgrades are then refused)."""
    if not settings.BILLING_CHECKOUT_URL:
        return None
    return HostedCheckout(settings.BILLING_CHECKOUT_URL)
