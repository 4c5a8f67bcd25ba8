"""Orders are records of fact: each keeps its own copy of the address, the shipping method and every line's
name, SKU and price, so later catalogue edits never change an order that was placed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from ..cart.models import Cart, Voucher
from ..cart.own_pages import OwnedQuerySet
from ..catalogue.models import Variant


class ShippingMethod(models.Model):
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=200, blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    is_active = models.BooleanField("active", default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "price", "pk"]

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        #: Everything paid was given back (``refunds.py``): reached only when the refunds add up to the total.
        REFUNDED = "refunded", "Refunded"

    #: ``None``: a guest's order (``guests.py``), reached through a signed link and known by ``email``
    #: until its owner signs up with that address and it joins their account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    #: One per checkout page: placing twice with the same token gives back the same order.
    checkout_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    #: The cart this order was placed from and the cart's version it spent (``orders.checkout``): unique
    #: together, so one filling of a cart becomes at most one order, however many tabs submit it.
    cart = models.ForeignKey(
        Cart, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="orders"
    )
    cart_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    address_line1 = models.CharField("address", max_length=200)
    address_line2 = models.CharField("address (continued)", max_length=200, blank=True)
    postcode = models.CharField(max_length=20)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=100)
    shipping_method = models.CharField(max_length=80)
    shipping_price = models.DecimalField(max_digits=8, decimal_places=2)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    #: The voucher the order was placed with (``cart.vouchers.redeem`` counted its use), its code and what
    #: it took off the subtotal, as they were that day.
    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="orders"
    )
    voucher_code = models.CharField(max_length=40, blank=True, editable=False)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0, editable=False)
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tax_rate = models.DecimalField("tax rate (%)", max_digits=5, decimal_places=2, default=0)
    tax_included = models.BooleanField(default=True, help_text="The prices included the tax.")
    total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    payment_method = models.CharField(max_length=40)
    payment_reference = models.CharField(
        max_length=100, blank=True, help_text="The gateway's or bank's reference of the payment."
    )
    #: Stripe (``stripe_payments.py``, ``stripe_webhooks.py``): the order's latest Checkout Session, the
    #: PaymentIntent that paid it, and how much Stripe reports refunded of it (the charge's running total).
    stripe_session_id = models.CharField(max_length=255, blank=True, editable=False)
    stripe_payment_intent = models.CharField(max_length=255, blank=True, editable=False)
    stripe_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    #: What was given back or is being given back (``refunds.py``): changed only by conditional updates, and
    #: the database refuses more than the total.
    refunded_total = models.DecimalField(max_digits=12, decimal_places=2, default=0, editable=False)
    #: The invoice's year and its number within the year, given when the order is paid (``invoicing.py``):
    #: gap-free per year, unique together, never changed afterwards.
    invoice_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    invoice_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)

    #: Every write renews the customer's own pages (``cart/own_pages.py``).
    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="orders_order_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                name="orders_order_guest_has_an_email",
            ),
            models.UniqueConstraint(fields=["cart", "cart_version"], name="orders_order_spends_a_cart_once"),
            models.UniqueConstraint(
                fields=["invoice_year", "invoice_sequence"], name="orders_order_one_invoice_number"
            ),
            models.CheckConstraint(
                condition=models.Q(invoice_year__isnull=True, invoice_sequence__isnull=True)
                | models.Q(invoice_year__isnull=False, invoice_sequence__gte=1),
                name="orders_order_invoice_number_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(discount__gte=0, discount__lte=models.F("subtotal")),
                name="orders_order_discount_within_subtotal",
            ),
            models.CheckConstraint(
                condition=models.Q(discount=0) | ~models.Q(voucher_code=""),
                name="orders_order_discount_has_a_voucher",
            ),
            models.UniqueConstraint(
                fields=["stripe_payment_intent"],
                condition=~models.Q(stripe_payment_intent=""),
                name="orders_order_one_stripe_payment",
            ),
            models.CheckConstraint(
                condition=models.Q(stripe_refunded__gte=0, stripe_refunded__lte=models.F("total")),
                name="orders_order_stripe_refund_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_total__gte=0, refunded_total__lte=models.F("total")),
                name="orders_order_refunds_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"

    def get_absolute_url(self) -> str:
        """The customer's order page; a guest's is the signed link of ``guests.link_for``."""
        if self.user_id is None:
            from .guests import link_for

            return link_for(self)
        return reverse("orders:detail", kwargs={"pk": self.pk})

    @property
    def is_guest_order(self) -> bool:
        return self.user_id is None

    @property
    def number(self) -> str:
        """What customers and staff call the order (also the bank transfer's reference)."""
        return f"{self.pk:06d}" if self.pk else "(new)"

    @property
    def invoice_number(self) -> str:
        """The invoice's number, such as ``2026-000042`` ("" until the order is paid)."""
        if self.invoice_sequence is None:
            return ""
        return f"{self.invoice_year}-{self.invoice_sequence:06d}"

    def stock_lines(self) -> list[tuple[int, int]]:
        return [(line.variant_id, line.quantity) for line in self.lines.all()]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # PROTECT: a variant that was ordered is deactivated, never deleted (its stock is still tracked).
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="order_lines")
    product_name = models.CharField(max_length=300)
    sku = models.CharField("SKU", max_length=40)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    #: Units asked back or taken back (``returns.py``): counted when a return is requested, given back if
    #: it is rejected; the database refuses more than were bought.
    returned_quantity = models.PositiveIntegerField(default=0, editable=False)

    #: Every write renews the customer's own pages (``cart/own_pages.py``).
    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orders_line_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(returned_quantity__lte=models.F("quantity")),
                name="orders_line_returns_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name} ({self.sku})"


class InvoiceCounter(models.Model):
    """The last invoice number given in a year: one row per year, locked while a number is taken
    (``invoicing.py``), so numbers follow each other without gaps or repeats."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Invoices {self.year}: {self.last}"


class GatewayEvent(models.Model):
    """A payment gateway's event that was handled (``webhooks.py``): its id is unique, so an event the
    gateway delivers twice, or two deliveries at once, is acted on once."""

    event_id = models.CharField(max_length=100, unique=True)
    event = models.CharField(max_length=100)
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="gateway_events"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"


class Refund(models.Model):
    """Money given back on an order (``refunds.py`` owns the rule): recorded as *pending* before the payment
    provider is asked, then *succeeded* with the provider's reference, or *failed* with its reason. The
    idempotency key is unique: asking again with it answers with this refund, never a second one."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Refunded"
        FAILED = "failed", "Failed"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    #: The provider's reference of the refund (``manual-<key>`` for offline methods); its refusal if failed.
    reference = models.CharField(max_length=120, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="orders_refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Refund of {self.amount} on order {self.order.number}"


class ReturnRequest(models.Model):
    """A customer's request to send back some of an order's units (``returns.py`` owns the rule); staff
    approve it (restock and refund) or reject it with a reason."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True, editable=False
    )
    reason = models.TextField(max_length=1000)
    rejection_reason = models.CharField(
        max_length=300, blank=True, help_text="Told to the customer when the return is rejected."
    )
    #: The refund of the returned units' value, once approved.
    refund = models.OneToOneField(
        Refund, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="return_request"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Return {self.pk} of order {self.order.number}"


class ReturnLine(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orders_return_line_quantity_positive"
            ),
            models.UniqueConstraint(fields=["request", "line"], name="orders_return_line_once_per_request"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.line.product_name}"
