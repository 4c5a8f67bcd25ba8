"""A customer's address book: saved delivery addresses, exactly one of them the default while there are any.

An order never points at an address: checkout copies it into the order (``orders.Order`` keeps its own),
so editing or deleting a saved address never changes an order that was placed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

#: The fields an address shares with an order's delivery address (``orders.Order``), copied at checkout.
FIELDS = ("full_name", "address_line1", "address_line2", "postcode", "city", "country")


class Address(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=40, blank=True, help_text="Such as Home or Work (optional).")
    full_name = models.CharField(max_length=150)
    address_line1 = models.CharField("address", max_length=200)
    address_line2 = models.CharField("address (continued)", max_length=200, blank=True)
    postcode = models.CharField(max_length=20)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=100)
    #: Chosen for the customer at checkout; ``book.py`` keeps exactly one per customer, and the database
    #: refuses a second (the partial unique constraint below).
    is_default = models.BooleanField("default", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["-is_default", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="addresses_one_default_per_user",
            ),
        ]

    def __str__(self) -> str:
        name = self.label or self.full_name
        return f"{name}, {self.address_line1}, {self.postcode} {self.city}"

    def get_absolute_url(self) -> str:
        return reverse("addresses:edit", kwargs={"pk": self.pk})

    def as_order_address(self) -> dict[str, str]:
        """The address's fields as an order stores them (its snapshot)."""
        return {field: getattr(self, field) for field in FIELDS}
