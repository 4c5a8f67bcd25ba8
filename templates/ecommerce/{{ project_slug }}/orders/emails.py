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


def send_order_confirmation(order_id: int) -> bool:
    order = _order(order_id)
    if order is None or not order.email:
        return False
    provider = provider_for(order)
    context = {
        "order": order,
        "lines": order.lines.all(),
        "payment": provider.start(order) if provider else None,
        "site_name": settings.SITE_NAME,
        **_guest_link(order),
    }
    send_mail(
        subject=f"Your order {order.number}",
        message=render_to_string("orders/email/order_confirmation.txt", context),
        from_email=None,
        recipient_list=[order.email],
    )
    return True


def send_status_email(order_id: int, status: str) -> bool:
    """Tell the customer their order is now ``status`` (skipped if it moved on again meanwhile)."""
    order = _order(order_id)
    if order is None or not order.email or order.status != status:
        return False
    send_mail(
        subject=f"Order {order.number}: {order.get_status_display().lower()}",
        message=render_to_string(
            "orders/email/order_status.txt",
            {"order": order, "site_name": settings.SITE_NAME, **_guest_link(order)},
        ),
        from_email=None,
        recipient_list=[order.email],
    )
    return True


def send_refund_email(refund_id: int) -> bool:
    """Tell the customer a refund was made (how much, and how it reaches them)."""
    refund = Refund.objects.select_related("order").filter(pk=refund_id).first()
    if refund is None or refund.status != Refund.Status.SUCCEEDED or not refund.order.email:
        return False
    order = refund.order
    provider = provider_for(order)
    context = {
        "order": order,
        "refund": refund,
        "manual": refund.reference.startswith("manual-"),
        "payment_label": provider.label if provider else order.payment_method,
        "site_name": settings.SITE_NAME,
        **_guest_link(order),
    }
    send_mail(
        subject=f"Order {order.number}: refund",
        message=render_to_string("orders/email/refund.txt", context),
        from_email=None,
        recipient_list=[order.email],
    )
    return True


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
    context = {"order": request.order, "request": request, "site_name": settings.SITE_NAME}
    send_mail(
        subject=f"Order {request.order.number}: return {request.get_status_display().lower()}",
        message=render_to_string("orders/email/return.txt", {**context, **_guest_link(request.order)}),
        from_email=None,
        recipient_list=[request.order.email],
    )
    return True
