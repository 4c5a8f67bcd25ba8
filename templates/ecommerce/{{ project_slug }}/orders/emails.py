"""Emails to customers about their orders. Plain functions: called after commit, directly or from a Celery
task. Each returns whether an email was sent."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .guests import absolute_link_for
from .models import Order, Refund, ReturnRequest
from .payments import provider_for


def _order(order_id: int) -> Order | None:
    return Order.objects.prefetch_related("lines").filter(pk=order_id).first()


def _guest_link(order: Order) -> dict[str, object]:
    """A guest's order has no account page: its emails carry the signed link (``guests.py``)."""
    if not order.is_guest_order:
        return {}
    return {"guest_link": absolute_link_for(order), "link_days": settings.SHOP_GUEST_LINK_DAYS}


def _send(order: Order, subject: str, template: str, context: dict[str, object]) -> bool:
    """Email ``template`` to the order's customer; the order, the site's name and a guest's signed link are
    added to ``context``."""
    context = {**context, "order": order, "site_name": settings.SITE_NAME, **_guest_link(order)}
    send_mail(
        subject=subject,
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=[order.email],
    )
    return True


def send_order_confirmation(order_id: int) -> bool:
    order = _order(order_id)
    if order is None or not order.email:
        return False
    provider = provider_for(order)
    context = {"lines": order.lines.all(), "payment": provider.start(order) if provider else None}
    return _send(order, f"Your order {order.number}", "orders/email/order_confirmation.txt", context)


def send_status_email(order_id: int, status: str) -> bool:
    """Tell the customer their order is now ``status`` (skipped if it moved on again meanwhile)."""
    order = _order(order_id)
    if order is None or not order.email or order.status != status:
        return False
    subject = f"Order {order.number}: {order.get_status_display().lower()}"
    return _send(order, subject, "orders/email/order_status.txt", {})


def send_refund_email(refund_id: int) -> bool:
    """Tell the customer a refund was made (how much, and how it reaches them)."""
    refund = Refund.objects.select_related("order").filter(pk=refund_id).first()
    if refund is None or refund.status != Refund.Status.SUCCEEDED or not refund.order.email:
        return False
    order = refund.order
    provider = provider_for(order)
    context = {
        "refund": refund,
        "manual": refund.reference.startswith("manual-"),
        "payment_label": provider.label if provider else order.payment_method,
    }
    return _send(order, f"Order {order.number}: refund", "orders/email/refund.txt", context)


def send_return_email(request_id: int, status: str) -> bool:
    """Tell the customer their return is ``status`` (received, approved or rejected)."""
    request = (
        ReturnRequest.objects.select_related("order", "refund")
        .prefetch_related("lines__line")
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.status != status or not request.order.email:
        return False
    order = request.order
    subject = f"Order {order.number}: return {request.get_status_display().lower()}"
    return _send(order, subject, "orders/email/return.txt", {"request": request})
