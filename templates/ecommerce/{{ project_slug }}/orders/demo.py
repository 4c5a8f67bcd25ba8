"""Demo orders for ``load_demo_data``: one paid (with its invoice) and one waiting for a bank transfer, so
the order pages and the invoice have something to show, and a guest's order (no account; its page opens
through the signed link ``add_guest_order`` returns). Written as facts, like a placed order is: the
stock is allocated (``catalogue.stock``) and the invoice numbered (``invoicing.py``), but no email is sent
to the demo address."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..cart import pricing
from ..catalogue import stock
from ..catalogue.models import Variant
from .guests import link_for
from .invoicing import number_invoice
from .models import Order, OrderLine, ShippingMethod

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


@transaction.atomic
def add_demo_orders(customer) -> int:
    """Give ``customer`` the demo orders unless they have orders already; how many were added."""
    if Order.objects.filter(user=customer).exists():
        return 0
    return sum(_add_order(customer, customer.email, skus, paid) is not None for skus, paid in ORDERS)


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
