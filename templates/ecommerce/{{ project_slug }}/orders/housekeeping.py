"""Periodic clean-up: unpaid orders give their stock back, abandoned visitor carts go away. Run daily by
Celery beat when Celery is on (``CELERY_BEAT_SCHEDULE``), or by ``python manage.py shop_housekeeping``
from cron."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..cart.models import Cart
from .lifecycle import TransitionNotAllowed, transition
from .models import Order
from .payments import PAID_ON_DELIVERY

#: At most this many orders per run, so one run stays short; the next run takes the rest.
BATCH = 500


def reservation() -> timedelta:
    """How long an order waiting for an advance payment keeps its items (``SHOP_UNPAID_RESERVATION_DAYS``)."""
    return timedelta(days=settings.SHOP_UNPAID_RESERVATION_DAYS)


def cancel_unpaid_orders() -> int:
    """Cancel orders still waiting for an advance payment after ``reservation()`` (their reserved stock
    returns to sale and the customer is told). Orders paid on delivery are left alone."""
    cutoff = timezone.now() - reservation()
    overdue = (
        Order.objects.filter(status=Order.Status.PENDING_PAYMENT, created_at__lt=cutoff)
        .exclude(payment_method__in=PAID_ON_DELIVERY)
        .order_by("pk")[:BATCH]
    )
    cancelled = 0
    for order in overdue:
        try:
            transition(order, Order.Status.CANCELLED)
        except TransitionNotAllowed:  # paid in the meantime
            continue
        cancelled += 1
    return cancelled


def delete_abandoned_carts() -> int:
    """Delete visitors' carts untouched for ``SHOP_VISITOR_CART_DAYS`` (customers' carts are kept)."""
    cutoff = timezone.now() - timedelta(days=settings.SHOP_VISITOR_CART_DAYS)
    deleted, _ = Cart.objects.filter(user=None, updated_at__lt=cutoff).delete()
    return deleted
