"""Carts: a signed-in customer has one; a visitor's cart belongs to their session until they sign in."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ..catalogue.models import Variant
from .own_pages import OwnedQuerySet


class Voucher(models.Model):
    """A code that takes a percentage or a fixed amount off the goods (never the shipping). Whether a code
    applies to a cart, and redeeming it at checkout, is ``cart/vouchers.py``'s rule."""

    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", "Percentage off"
        FIXED = "fixed", "Fixed amount off"

    #: Stored in capitals; customers may type it in any case.
    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENTAGE)
    #: Percent for a percentage voucher (10 is 10 % off), an amount in ``SHOP_CURRENCY`` for a fixed one.
    value = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0.01)])
    minimum_subtotal = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="The goods must cost at least this much (0: no minimum).",
    )
    starts_at = models.DateTimeField("valid from", null=True, blank=True)
    ends_at = models.DateTimeField("valid until", null=True, blank=True)
    is_active = models.BooleanField("active", default=True)
    max_uses = models.PositiveIntegerField(
        "total uses", null=True, blank=True, help_text="How many orders may use it in all (empty: no limit)."
    )
    max_uses_per_customer = models.PositiveIntegerField(
        "uses per customer",
        null=True,
        blank=True,
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="How many orders one customer may use it for (empty: no limit).",
    )
    #: Orders placed with it; only ever changed by ``vouchers.redeem``'s conditional ``UPDATE``.
    uses = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="cart_voucher_value_positive"),
            models.CheckConstraint(
                condition=~models.Q(kind="percentage") | models.Q(value__lte=100),
                name="cart_voucher_percentage_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True) | models.Q(uses__lte=models.F("max_uses")),
                name="cart_voucher_uses_within_limit",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True)
                | models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="cart_voucher_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs) -> None:
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.code = self.code.strip().upper()  # before the uniqueness check: "welcome10" is "WELCOME10"


class Cart(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="cart"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    #: Counts the orders this cart became: placing an order spends the cart's current version and moves it
    #: on (``orders.checkout``); each order records the version it spent, unique per cart.
    version = models.PositiveIntegerField(default=0, editable=False)
    #: The voucher the customer applied (``vouchers.py`` says whether it still applies).
    voucher = models.ForeignKey(Voucher, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    #: Every write renews the customer's own pages (``cart/own_pages.py``).
    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Cart of {self.user}" if self.user_id else f"Visitor cart #{self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="cart_lines")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    #: Every write renews the customer's own pages (``cart/own_pages.py``).
    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_line_unique_variant"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant.sku}"
