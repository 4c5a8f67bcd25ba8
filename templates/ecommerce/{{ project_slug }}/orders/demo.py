"""Demo orders for ``load_demo_data``: one paid (with its invoice), one waiting for a bank transfer and
one delivered, with a return refunded and another waiting for staff, so the order pages, the invoice and
the returns have something to show, and a guest's order (no account; its page opens
through the signed link ``add_guest_order`` returns). Written as facts, like a placed order is: the
stock is allocated (``catalogue.stock``) and the invoice numbered (``invoicing.py``), but no email is sent
to the demo address."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..cart import pricing
from ..catalogue import stock
from ..catalogue.models import Variant
from .guests import link_for
from .invoicing import number_invoice
from .models import Order, OrderLine, Refund, ReturnLine, ReturnRequest, ShippingMethod
from .returns import value_of

ADDRESS = {
    "full_name": "Demo Customer",
    "address_line1": "1 Market Street",
    "postcode": "10115",
    "city": "Berlin",
    "country": "Germany",
}
#: (SKU, quantity) lines of each demo order, and whether it is paid.
ORDERS = [((("COF-ETH-250", 2), ("TSH-M", 1)), True), ((("COF-ETH-1K", 1),), False)]
#: The guest's order: their email address (no account has it) and its lines.
GUEST_EMAIL = "guest@example.com"
GUEST_ORDER = (("COF-ETH-250", 1),)
#: The delivered order: one of its bags came back (approved, restocked, refunded), one more is asked back.
DELIVERED = (("COF-ETH-250", 3),)


@transaction.atomic
def add_demo_orders(customer) -> int:
    """Give ``customer`` the demo orders unless they have orders already; how many were added."""
    if Order.objects.filter(user=customer).exists():
        return 0
    added = [_add_order(customer, customer.email, skus, paid) for skus, paid in ORDERS]
    added.append(_add_delivered_order(customer))
    return sum(order is not None for order in added)


@transaction.atomic
def add_guest_order() -> str:
    """A guest's order waiting for payment (once); the path of its page, the signed link of its email."""
    order = Order.objects.filter(user=None, email=GUEST_EMAIL).first()
    order = order or _add_order(None, GUEST_EMAIL, GUEST_ORDER, paid=False)
    return link_for(order) if order else ""


def _add_order(customer, email: str, skus, paid: bool) -> Order | None:
    shipping = ShippingMethod.objects.filter(is_active=True).first()
    wanted = [sku for sku, _ in skus]
    variants = Variant.objects.select_related("product").in_bulk(wanted, field_name="sku")
    lines = [(variants[sku], quantity) for sku, quantity in skus if sku in variants]
    if shipping is None or not lines:
        return None
    totals = pricing.totals(
        ((variant.price, quantity) for variant, quantity in lines),
        shipping.price,
        pricing.TaxRule.from_settings(),
    )
    order = Order.objects.create(
        user=customer, email=email, **ADDRESS, shipping_method=shipping.name,
        shipping_price=totals.shipping, subtotal=totals.subtotal, tax=totals.tax,
        tax_rate=totals.tax_rate, tax_included=totals.tax_included, total=totals.total,
        currency=settings.SHOP_CURRENCY, payment_method="bank_transfer",
    )  # fmt: skip
    stock.allocate((variant.pk, quantity) for variant, quantity in lines)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=variant,
            product_name=str(variant),
            sku=variant.sku,
            unit_price=variant.price,
            quantity=quantity,
            line_total=pricing.line_total(variant.price, quantity),
        )
        for variant, quantity in lines
    )
    if paid:
        order.status, order.paid_at = Order.Status.PAID, timezone.now()
        order.payment_reference = "DEMO-TRANSFER"
        order.save(update_fields=["status", "paid_at", "payment_reference"])
        number_invoice(order, order.paid_at)
    return order


def _add_delivered_order(customer) -> Order | None:
    """A paid order, shipped and delivered: a return of 1 bag approved (back in stock, its value refunded by
    hand, as bank transfers are) and a return of 1 more waiting for staff in the admin."""
    order = _add_order(customer, customer.email, DELIVERED, paid=True)
    if order is None:
        return None
    now = timezone.now()
    stock.consume(order.stock_lines())
    order.status = Order.Status.COMPLETED
    order.shipped_at, order.completed_at = now - timedelta(days=5), now - timedelta(days=3)
    order.save(update_fields=["status", "shipped_at", "completed_at"])
    line = order.lines.get()
    approved = ReturnRequest.objects.create(
        order=order, status=ReturnRequest.Status.APPROVED, reason="The bag arrived torn.", decided_at=now
    )
    ReturnLine.objects.create(request=approved, line=line, quantity=1)
    stock.restock([(line.variant_id, 1)])
    amount = value_of(approved)
    approved.refund = Refund.objects.create(
        order=order, amount=amount, reason=f"Return {approved.pk}", status=Refund.Status.SUCCEEDED,
        reference=f"manual-return-{approved.pk}", idempotency_key=f"return-{approved.pk}",
    )  # fmt: skip
    approved.save(update_fields=["refund"])
    waiting = ReturnRequest.objects.create(order=order, reason="I ordered one bag too many.")
    ReturnLine.objects.create(request=waiting, line=line, quantity=1)
    OrderLine.objects.filter(pk=line.pk).update(returned_quantity=F("returned_quantity") + 2)
    Order.objects.filter(pk=order.pk).update(refunded_total=F("refunded_total") + amount)
    return order
