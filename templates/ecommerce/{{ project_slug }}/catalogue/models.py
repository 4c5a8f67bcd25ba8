"""The catalogue: nested categories, products, their variants (what is bought) and images."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.images import get_image_dimensions
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from ..core.slugs import unique_slug
from ..core.validators import IMAGE_VALIDATORS
from .renditions import make_renditions


class Category(models.Model):
    """A shelf of the shop; categories nest (``parent``), and a category's page shows its sub-categories'
    products too."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="catalogue_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{reverse('catalogue:product_list')}?category={self.slug}"


def _leave_out(instance: models.Model, fields: frozenset[str], kwargs: dict[str, Any]) -> None:
    """Make ``save()`` of a stored row write every field but ``fields``: those are written only by their own
    module, and the values loaded with the row may be stale by now."""
    if not instance._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
        kwargs["update_fields"] = [
            field.name
            for field in instance._meta.concrete_fields
            if not field.primary_key and field.name not in fields
        ]


#: Fields of ``Product`` written only by ``listing.py``, never by ``save()``.
LISTING_FIELDS = frozenset({"shelf", "price_from", "has_stock"})


class ProductQuerySet(models.QuerySet):
    def active(self) -> ProductQuerySet:
        return self.filter(is_active=True)


class Product(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive products are hidden and cannot be bought."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # How the product list shows it, kept by ``listing.py`` from its variants (never edited): on a shelf when
    # it is active and has an active variant, with the cheapest active variant's price and whether one of
    # them can be bought now. The list filters and sorts on these and counts its facets from the shelves.
    shelf = models.ForeignKey("Shelf", on_delete=models.PROTECT, null=True, editable=False, related_name="+")
    price_from = models.DecimalField(max_digits=10, decimal_places=2, null=True, editable=False)
    has_stock = models.BooleanField(default=False, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["is_active", "category"], name="catalogue_product_active_idx"),
            # The product list sorts by name or by price: read in index order, a page stops after its
            # products.
            models.Index(fields=["name", "id"], name="catalogue_product_name_idx"),
            models.Index(fields=["price_from", "id"], name="catalogue_product_price_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a stored product never writes its listing back (``shelf``, ``price_from``, ``has_stock``):
        the values loaded with it are stale as soon as a variant or the stock changes, and only
        ``listing.py`` writes them."""
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        _leave_out(self, LISTING_FIELDS, kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalogue:product_detail", kwargs={"slug": self.slug})


class Shelf(models.Model):
    """How many listed products are in a category at a price range with or without stock: the product
    list's facets add these up instead of counting products (``listing.py`` moves products between
    shelves). ``price_range`` numbers the ranges of ``SHOP_PRICE_FACETS`` as they were when the shelf was
    made (``cuts``): a shelf of other cuts is stale, and the shelves are rebuilt."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    cuts = models.CharField(max_length=200)
    price_range = models.PositiveSmallIntegerField()
    in_stock = models.BooleanField()
    products = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "cuts", "price_range", "in_stock"], name="catalogue_shelf_unique_key"
            ),
        ]

    def __str__(self) -> str:
        stock = "in stock" if self.in_stock else "sold out"
        return f"{self.category_id} / range {self.price_range} / {stock}: {self.products}"


#: Fields of ``Variant`` written only by ``stock.py``'s conditional updates, never by ``save()``.
STOCK_RULE_FIELDS = frozenset({"allocated", "low_stock_alerted"})


class Variant(models.Model):
    """What a customer buys: one size or colour of a product, with its own SKU, price and stock.

    ``in_stock`` counts the units on the shelf, ``allocated`` those promised to placed orders that have not
    shipped yet; ``in_stock - allocated`` can be sold. Both change only through ``catalogue/stock.py``.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=40, unique=True)
    name = models.CharField(max_length=100, help_text="What tells it apart, e.g. “Size M” or “Blue”.")
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    in_stock = models.PositiveIntegerField(default=0)
    allocated = models.PositiveIntegerField(
        default=0, help_text="Units reserved by orders that have not shipped yet."
    )
    is_active = models.BooleanField("active", default=True)
    low_stock_threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Staff are emailed once when the units that can be sold fall to this many (empty: never).",
    )
    # Set by catalogue/stock.py when the low-stock email is sent, cleared when the stock is above the
    # threshold again: the conditional UPDATE that sets it is what makes the alert go out once.
    low_stock_alerted = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["product", "price", "pk"]
        constraints = [
            # The database itself refuses a negative availability, whatever the code does.
            models.CheckConstraint(
                condition=models.Q(allocated__lte=models.F("in_stock")),
                name="catalogue_variant_allocated_lte_in_stock",
            ),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="catalogue_variant_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} ({self.name})" if self.name else self.product.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a stored variant never writes ``allocated`` (nor ``low_stock_alerted``) back: the value
        loaded with it is stale as soon as an order is placed, and both change only through ``stock.py``'s
        conditional updates."""
        _leave_out(self, STOCK_RULE_FIELDS, kwargs)
        super().save(*args, **kwargs)

    @property
    def available(self) -> int:
        """Units that can still be sold."""
        return max(self.in_stock - self.allocated, 0)


class BackInStockSubscription(models.Model):
    """Tell me when it is back: one email address waiting for a sold-out variant. Emailed once, when the
    variant can be bought again (``notified_at`` set by a conditional update, ``alerts.py``); subscribing
    again after that waits for the next time. One per variant and address (stored in lower case)."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="back_in_stock_subscriptions")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Its index also finds a variant's subscribers (variant comes first).
            models.UniqueConstraint(fields=["variant", "email"], name="catalogue_backinstock_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} (variant {self.variant_id})"


class ProductImage(models.Model):
    """A picture of a product. Saving it makes smaller copies for phones and cards (``renditions.py``); its
    size is kept so that pages reserve the space before it loads."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/%Y/%m/", validators=IMAGE_VALIDATORS)
    # Read from the picture when it is saved (not ImageField's width_field, which opens the file of every
    # row loaded without them).
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt_text = models.CharField(
        "alternative text", max_length=200, help_text="Describes the picture for screen readers."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.image and (self.width is None or not self.image._committed):  # a new or replaced picture
            self.width, self.height = get_image_dimensions(self.image)
        super().save(*args, **kwargs)
        make_renditions(self)
