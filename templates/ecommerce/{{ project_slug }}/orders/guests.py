"""Guest orders: a shopper without an account orders with an email address; the order page is reached
through a signed link, and the orders join the account that later signs up with that address.

- The link (``link_for``) carries the order's id signed with ``TimestampSigner`` (salted, so no other
  signature of this site fits) and is accepted for ``SHOP_GUEST_LINK_DAYS`` days. ``order_for`` says why a
  link is refused: changed or cut (404: it opens nothing) or too old (410); neither reveals whether the
  order exists.
- ``claim`` is the one rule that moves guest orders to an account: every order without an account whose
  email is the account's address (in any case). ``signals.py`` calls it when that address is proven the
  account's: with allauth when it is verified, without allauth at sign-up.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sites.models import Site
from django.core import signing
from django.urls import reverse

from ..cart.customers import normalize_email
from .models import Order

SALT = "orders.guest-order"
INVALID = "This order link is not valid: it may have been cut or changed."


class LinkRefused(Exception):
    """A guest link that opens nothing; ``status`` is the HTTP status, the message is for the visitor."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def max_age() -> timedelta:
    return timedelta(days=settings.SHOP_GUEST_LINK_DAYS)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def token_for(order: Order) -> str:
    return _signer().sign(str(order.pk))


def link_for(order: Order) -> str:
    """The path of ``order``'s page for the guest who placed it."""
    return reverse("orders:guest_detail", kwargs={"token": token_for(order)})


def absolute_link_for(order: Order) -> str:
    """The link of the confirmation email (the site's domain from the Sites framework)."""
    return f"https://{Site.objects.get_current().domain}{link_for(order)}"


def order_for(token: str) -> Order:
    """The order a guest link opens, or ``LinkRefused`` with the reason."""
    try:
        pk = int(_signer().unsign(token, max_age=max_age()))
    except signing.SignatureExpired:
        raise LinkRefused(
            f"This order link has expired (links work for {settings.SHOP_GUEST_LINK_DAYS} days). "
            "Create an account with the email address you ordered with to see your orders.",
            status=410,
        ) from None
    except (signing.BadSignature, ValueError):
        raise LinkRefused(INVALID, status=404) from None
    order = Order.objects.filter(pk=pk).prefetch_related("lines").first()
    if order is None:
        raise LinkRefused(INVALID, status=404)
    return order


def claim(user, email: str) -> int:
    """Attach every guest order placed with ``email`` to ``user``; how many were attached."""
    email = normalize_email(email)
    if not email:
        return 0
    return Order.objects.filter(user=None, email__iexact=email).update(user=user)
