"""Stock alerts: the low-stock email to staff and "tell me when it is back" for customers.

``stock.py`` decides when either is due (in the transaction that moved the stock); this module owns the
rest of the rule:

- ``subscribe`` puts an email address on a sold-out variant's list: one row per variant and address (a
  unique constraint; subscribing twice says so), only while the variant cannot be bought (checked under
  the variant's row lock, so a restock committing at the same moment either sees the new subscriber or
  the subscriber is told it is in stock).
- ``notify_back_in_stock`` emails each waiting address once: a conditional ``UPDATE`` marks it notified
  (only where it was not) in the same transaction as the email, so concurrent restocks email it once and a
  failed email is tried again later. Subscribing again after the email waits for the next restock.
- Each email carries a signed unsubscribe link (``unsubscribe_link``): no sign-in needed, never expires,
  a changed one is refused with the reason.
- ``send_low_stock_alert`` emails staff: ``SHOP_STAFF_EMAILS``, or when that is empty every active staff
  user with an email address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..cart.customers import normalize_email
from .models import BackInStockSubscription, Variant

SALT = "catalogue.back-in-stock"
INVALID_LINK = "This unsubscribe link is not valid: it may have been cut or changed."


class SubscribeRefused(Exception):
    """A subscription that cannot be made; ``field`` is the form field the reason belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class LinkRefused(Exception):
    """An unsubscribe link whose signature does not match: it opens nothing."""


@dataclass(frozen=True)
class Subscribed:
    subscription: BackInStockSubscription
    #: False when the address was already on the list.
    created: bool
    #: What the customer is told.
    message: str


@transaction.atomic
def subscribe(variant_id: int, email: str) -> Subscribed:
    """Put ``email`` on the list of the sold-out variant ``variant_id``; ``SubscribeRefused`` says why not."""
    email = normalize_email(email)
    variant = (
        Variant.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk=variant_id, is_active=True, product__is_active=True)
        .first()
    )
    if variant is None:
        raise SubscribeRefused("variant", "That option is no longer sold (or never was).")
    if variant.available:
        raise SubscribeRefused("variant", f"{variant} is in stock: you can buy it now.")
    subscription, created = BackInStockSubscription.objects.get_or_create(variant=variant, email=email)
    if created:
        return Subscribed(subscription, True, f"We will email {email} once when {variant} is back in stock.")
    if subscription.notified_at is not None:  # told last time; waits for the next restock
        BackInStockSubscription.objects.filter(pk=subscription.pk).update(notified_at=None)
        subscription.notified_at = None
        return Subscribed(
            subscription, False, f"We will email {email} again when {variant} is back in stock."
        )
    return Subscribed(
        subscription, False, f"{email} is already on the list for {variant}: we will email once it is back."
    )


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def token_for(subscription: BackInStockSubscription) -> str:
    """Signs the subscription's id and address: a link stays tied to the address it was sent to."""
    return _signer().sign_object({"id": subscription.pk, "email": subscription.email})


def unsubscribe_link(subscription: BackInStockSubscription) -> str:
    path = reverse("catalogue:back_in_stock_unsubscribe", kwargs={"token": token_for(subscription)})
    return f"https://{Site.objects.get_current().domain}{path}"


def subscription_for(token: str) -> BackInStockSubscription | None:
    """The subscription an unsubscribe link names (``None``: already unsubscribed), or ``LinkRefused``."""
    try:
        data = _signer().unsign_object(token)
        pk, email = int(data["id"]), str(data["email"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused(INVALID_LINK) from None
    return (
        BackInStockSubscription.objects.select_related("variant__product").filter(pk=pk, email=email).first()
    )


def unsubscribe(token: str) -> BackInStockSubscription | None:
    """Delete the subscription of the link (``None``: it was gone already); ``LinkRefused`` if changed."""
    subscription = subscription_for(token)
    if subscription is not None:
        BackInStockSubscription.objects.filter(pk=subscription.pk).delete()
    return subscription


def notify_back_in_stock(variant_id: int) -> int:
    """Email every address waiting for ``variant_id`` if it can be bought; how many were emailed."""
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None or not (variant.is_active and variant.product.is_active and variant.available):
        return 0
    product_url = f"https://{Site.objects.get_current().domain}{variant.product.get_absolute_url()}"
    sent = 0
    waiting = BackInStockSubscription.objects.filter(variant=variant, notified_at=None).order_by("pk")
    for subscription in waiting:
        with transaction.atomic():
            # Only where nobody marked it yet: of two runs at once, one emails this address.
            claimed = BackInStockSubscription.objects.filter(pk=subscription.pk, notified_at=None).update(
                notified_at=timezone.now()
            )
            if not claimed:
                continue
            subscription.variant = variant
            send_mail(
                subject=f"Back in stock: {variant}",
                message=render_to_string(
                    "catalogue/email/back_in_stock.txt",
                    {
                        "variant": variant,
                        "product_url": product_url,
                        "unsubscribe_link": unsubscribe_link(subscription),
                        "site_name": settings.SITE_NAME,
                    },
                ),
                from_email=None,
                recipient_list=[subscription.email],
            )
        sent += 1
    return sent


def staff_recipients() -> list[str]:
    """``SHOP_STAFF_EMAILS``, or every active staff user's email address when it is empty."""
    if settings.SHOP_STAFF_EMAILS:
        return list(settings.SHOP_STAFF_EMAILS)
    users = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def send_low_stock_alert(variant_id: int) -> bool:
    """Email staff that ``variant_id`` is running low; skipped if its stock went back up meanwhile."""
    variant = Variant.objects.select_related("product").filter(pk=variant_id, low_stock_alerted=True).first()
    recipients = staff_recipients()
    if variant is None or not recipients:
        return False
    admin_path = reverse("admin:catalogue_variant_change", args=[variant.pk])
    send_mail(
        subject=f"Low stock: {variant} ({variant.sku})",
        message=render_to_string(
            "catalogue/email/low_stock.txt",
            {
                "variant": variant,
                "admin_url": f"https://{Site.objects.get_current().domain}{admin_path}",
                "site_name": settings.SITE_NAME,
            },
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return True
