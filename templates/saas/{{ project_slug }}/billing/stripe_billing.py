"""Stripe Billing through the official library: Checkout for a first paid plan, the Customer Portal for a
plan change or a cancellation. Selected with ``BILLING_PROVIDER`` (see the README's "Stripe Billing").

Each call creates a session at Stripe and returns its URL; nothing changes here. Stripe reports the
result to ``/billing/stripe/webhook/`` (``stripe_webhooks.py``), which alone moves the subscription. The
calls run outside any transaction (``ChangePlanView`` is not atomic), so no row lock waits on the network.
Each carries an idempotency key: a double click, or a retry by the library, creates one session.

With per-seat prices (``STRIPE_PER_SEAT``), ``sync_seats`` sets the subscription item's quantity to the
member count after each join or leave (``seats.py`` calls it once the change is committed).
"""

import time
from collections.abc import Mapping

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from .plans import Plan
from .providers import BillingUnavailable

#: Idempotency keys change every hour: within it a repeated request gets the session already created
#: (Stripe keeps a key at least 24 hours, and a Checkout session lives 24 hours).
IDEMPOTENCY_WINDOW = 60 * 60


class StripeBilling:
    #: The library's HTTP client; ``None``: its default. Tests put a fake here (they never reach Stripe).
    http_client: stripe.HTTPClient | None = None

    def __init__(self, secret_key: str, prices: Mapping[str, str], per_seat: bool = False) -> None:
        self.secret_key = secret_key
        self.prices = prices
        self.per_seat = per_seat

    @classmethod
    def from_settings(cls) -> "StripeBilling | None":
        if not settings.STRIPE_SECRET_KEY:
            return None
        return cls(settings.STRIPE_SECRET_KEY, settings.STRIPE_PRICES, settings.STRIPE_PER_SEAT)

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(self.secret_key, http_client=self.http_client, max_network_retries=2)

    def _price(self, plan: Plan) -> str:
        price = self.prices.get(plan.code, "")
        if not price:
            raise BillingUnavailable(
                f"The {plan.name} plan has no Stripe price yet: set STRIPE_PRICE_{plan.code.upper()}."
            )
        return price

    def _quantity(self, organization) -> int:
        """Seats billed: every member when the plans are priced per seat, else one."""
        return max(1, organization.memberships.count()) if self.per_seat else 1

    @staticmethod
    def _idempotency_key(*parts) -> str:
        """Stable for one request within the window, distinct per project (salted with ``SECRET_KEY``)."""
        value = ":".join(map(str, (*parts, int(time.time()) // IDEMPOTENCY_WINDOW)))
        return salted_hmac("billing.stripe.idempotency", value, algorithm="sha256").hexdigest()

    @staticmethod
    def _return_url(organization) -> str:
        return settings.SITE_URL.rstrip("/") + reverse("billing:overview", args=[organization.slug])

    def _call(self, method, *args, **kwargs):
        """Call the library; ``BillingUnavailable`` with Stripe's reason if it fails."""
        try:
            return method(*args, **kwargs)
        except stripe.StripeError as error:
            raise BillingUnavailable(
                f"Stripe refused the request: {error.user_message or 'no reason given'}. Try again later."
            ) from None

    def _session_url(self, create, params: dict, key: str) -> str:
        return self._call(create, params=params, options={"idempotency_key": key}).url

    def checkout_url(self, organization, plan: Plan) -> str:
        subscription = organization.subscription
        price, quantity = self._price(plan), self._quantity(organization)
        organization_id = str(organization.pk)
        params = {
            "mode": "subscription",
            "line_items": [{"price": price, "quantity": quantity}],
            "client_reference_id": organization_id,
            "metadata": {"organization_id": organization_id},
            # The subscription's own events carry it too: they may arrive before the checkout's.
            "subscription_data": {"metadata": {"organization_id": organization_id}},
            "success_url": self._return_url(organization) + "?checkout=success",
            "cancel_url": self._return_url(organization),
        }
        if subscription.provider_customer:  # a returning customer keeps one Stripe customer
            params["customer"] = subscription.provider_customer
        key = self._idempotency_key("checkout", organization.pk, price, quantity, params.get("customer", ""))
        return self._session_url(self._client().v1.checkout.sessions.create, params, key)

    @staticmethod
    def _require_linked(subscription) -> None:
        if not (subscription.provider_customer and subscription.provider_reference):
            raise BillingUnavailable(
                "Stripe has not confirmed this subscription yet (its webhook links it): try again shortly."
            )

    def _portal(self, organization, subscription, flow: dict | None, *key_parts) -> str:
        """A Customer Portal session: on ``flow``'s confirmation page, or its home page (``None``)."""
        params: dict = {
            "customer": subscription.provider_customer,
            "return_url": self._return_url(organization),
        }
        if flow is not None:
            after = {"type": "redirect", "redirect": {"return_url": self._return_url(organization)}}
            params["flow_data"] = {**flow, "after_completion": after}
        key = self._idempotency_key("portal", organization.pk, subscription.provider_reference, *key_parts)
        return self._session_url(self._client().v1.billing_portal.sessions.create, params, key)

    def change_plan_url(self, organization, subscription, plan: Plan) -> str:
        """The portal's confirmation of the move of the subscription's item to ``plan``'s price."""
        self._require_linked(subscription)
        price, quantity = self._price(plan), self._quantity(organization)
        live = self._call(self._client().v1.subscriptions.retrieve, subscription.provider_reference)
        item = live["items"]["data"][0]["id"]  # the plan's item: a subscription here has one
        flow = {
            "type": "subscription_update_confirm",
            "subscription_update_confirm": {
                "subscription": subscription.provider_reference,
                "items": [{"id": item, "price": price, "quantity": quantity}],
            },
        }
        return self._portal(organization, subscription, flow, "change", price, quantity)

    def cancel_url(self, organization, subscription) -> str:
        self._require_linked(subscription)
        flow = {
            "type": "subscription_cancel",
            "subscription_cancel": {"subscription": subscription.provider_reference},
        }
        return self._portal(organization, subscription, flow, "cancel")

    def manage_url(self, organization, subscription) -> str:
        """The portal's home: payment method, invoices, and whatever the portal's settings allow."""
        self._require_linked(subscription)
        return self._portal(organization, subscription, None, "manage")

    def sync_seats(self, organization, subscription, quantity: int, change_id: str) -> bool:
        """Set the subscription item's quantity to ``quantity`` (Stripe prorates by default). Only with
        per-seat prices; nothing is sent when Stripe already bills that quantity."""
        if not self.per_seat:
            return False
        self._require_linked(subscription)
        client = self._client()
        live = self._call(client.v1.subscriptions.retrieve, subscription.provider_reference)
        item = live["items"]["data"][0]  # the plan's item: a subscription here has one
        if item.to_dict().get("quantity") == quantity:
            return False
        # One key per membership change: a retry of this change is applied once, and a later change back to
        # the same quantity is a new request.
        key = self._idempotency_key("seats", subscription.provider_reference, item["id"], quantity, change_id)
        self._call(
            client.v1.subscription_items.update,
            item["id"],
            params={"quantity": quantity},
            options={"idempotency_key": key},
        )
        return True
