"""The adapter point for a real billing provider (Stripe, Paddle, Lemon Squeezy…).

The site never charges anyone, and never changes a subscription itself. Each owner's action hands over to
the provider, which reports the result to the signed webhook (``webhooks.py``), the only thing that moves
the subscription:

- a first paid plan: the provider's hosted checkout (``BILLING_CHECKOUT_URL``, e.g. a Stripe Payment Link);
- a change between paid plans, or a cancellation: the provider's customer portal (``BILLING_PORTAL_URL``,
  e.g. Stripe's customer portal login link), told which flow and plan the owner chose.

The member count is the one thing sent from here: after a member joins or leaves, ``seats.py`` hands the
new count to ``sync_seats`` once the change is committed.

``BILLING_PROVIDER`` names the adapter: ``HostedBilling`` (links, the default) or ``StripeBilling``
(``stripe_billing.py``: Checkout and Customer Portal sessions through the official library). Each has a
``from_settings()`` that returns ``None`` while its settings are empty.
"""

from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.utils.module_loading import import_string

from .plans import Plan


class BillingUnavailable(Exception):
    """The provider cannot take this request: billing (or this part of it) is not configured."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BillingProvider(Protocol):
    def checkout_url(self, organization, plan: Plan) -> str:
        """Where to start a new paid subscription to ``plan``."""
        ...

    def change_plan_url(self, organization, subscription, plan: Plan) -> str:
        """Where to move the live paid subscription to another paid ``plan``."""
        ...

    def cancel_url(self, organization, subscription) -> str:
        """Where to cancel the live paid subscription (the organisation returns to the free plan)."""
        ...

    def manage_url(self, organization, subscription) -> str:
        """The customer portal itself: payment method and invoices of the live paid subscription."""
        ...

    def sync_seats(self, organization, subscription, quantity: int, change_id: str) -> bool:
        """Bill ``quantity`` seats on the live paid subscription (the member count after a join or a
        leave); ``change_id`` names that change, for the provider's idempotency. True if the provider was
        told; ``BillingUnavailable`` if it refused."""
        ...


def _with_query(base_url: str, **params: str) -> str:
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}{urlencode(params)}"


class HostedBilling:
    """A provider's hosted pages: a checkout link and a customer portal link."""

    def __init__(self, checkout_url: str, portal_url: str = "") -> None:
        self.base_url = checkout_url
        self.portal_url = portal_url

    @classmethod
    def from_settings(cls) -> "HostedBilling | None":
        if not settings.BILLING_CHECKOUT_URL:
            return None
        return cls(settings.BILLING_CHECKOUT_URL, settings.BILLING_PORTAL_URL)

    def checkout_url(self, organization, plan: Plan) -> str:
        return _with_query(self.base_url, client_reference_id=organization.slug, plan=plan.code)

    def _portal(self, organization, subscription, **params: str) -> str:
        if not self.portal_url:
            raise BillingUnavailable(
                "Plan changes and cancellations go through your billing provider's customer portal, which "
                "is not configured yet: set BILLING_PORTAL_URL."
            )
        return _with_query(
            self.portal_url,
            client_reference_id=organization.slug,
            subscription=subscription.provider_reference,
            **params,
        )

    def change_plan_url(self, organization, subscription, plan: Plan) -> str:
        return self._portal(organization, subscription, flow="subscription_update", plan=plan.code)

    def cancel_url(self, organization, subscription) -> str:
        return self._portal(organization, subscription, flow="subscription_cancel")

    def manage_url(self, organization, subscription) -> str:
        return self._portal(organization, subscription)

    def sync_seats(self, organization, subscription, quantity: int, change_id: str) -> bool:
        """Hosted links have no API to call: the provider bills the quantity chosen at its checkout, and an
        owner changes it in its portal. Nothing is sent."""
        return False


def get_provider() -> BillingProvider | None:
    """The provider ``BILLING_PROVIDER`` names, or ``None`` when its settings are empty (every change is
    then refused)."""
    return import_string(settings.BILLING_PROVIDER).from_settings()
