from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from ..core.page_cache import invalidate_pages
from . import listing, stock
from .models import BackInStockSubscription, Category, Product, ProductImage, Variant
from .signals import PAGES


class VariantAdminForm(forms.ModelForm):
    """Staff may not set the stock below what open orders have reserved (read fresh from the database)."""

    class Meta:
        model = Variant
        fields = ("product", "sku", "name", "price", "in_stock", "low_stock_threshold", "is_active")

    def clean_in_stock(self) -> int:
        in_stock = self.cleaned_data["in_stock"]
        if self.instance.pk:
            # Locked until the admin's transaction commits: no order can reserve more in between (the
            # admin validates and saves in one transaction; SQLite serialises writes anyway).
            with transaction.atomic():
                reserved = (
                    Variant.objects.select_for_update()
                    .filter(pk=self.instance.pk)
                    .values_list("allocated", flat=True)
                    .get()
                )
            if in_stock is not None and in_stock < reserved:
                raise forms.ValidationError(
                    f"{reserved} units are reserved by open orders: the stock cannot go below that. "
                    "Cancel or ship those orders first."
                )
        return in_stock


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "slug")
    list_filter = ("parent",)
    list_select_related = ("parent",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)


class VariantInline(admin.TabularInline):
    form = VariantAdminForm
    model = Variant
    extra = 0
    fields = ("sku", "name", "price", "in_stock", "allocated", "low_stock_threshold", "is_active")
    # Reservations change only through placed, shipped and cancelled orders (catalogue/stock.py).
    readonly_fields = ("allocated",)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ("image", "alt_text", "position")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "is_active", "stock_available", "updated_at")
    list_filter = ("is_active", "category")
    list_select_related = ("category",)
    search_fields = ("name", "description", "variants__sku")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("category",)
    inlines = (VariantInline, ProductImageInline)
    actions = ("activate", "deactivate")

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Variant:
            # Stock raised here re-arms low-stock alerts and tells the customers waiting (stock.py).
            stock.edited(
                variant.pk for variant in formset.new_objects + [v for v, _ in formset.changed_objects]
            )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return (
            super()
            .get_queryset(request)
            .annotate(available=Sum(F("variants__in_stock") - F("variants__allocated")))
        )

    @admin.display(description="available", ordering="available")
    def stock_available(self, obj: Product) -> int:
        return obj.available or 0

    @staticmethod
    @transaction.atomic
    def _set_active(queryset: QuerySet[Product], active: bool) -> int:
        """``update()`` sends no signal: the products move between the list's shelves, and the cached list
        pages are renewed, here."""
        products = listing.lock_products(product_ids=queryset.values_list("pk", flat=True))
        count = Product.objects.filter(pk__in=products).update(is_active=active)
        listing.refresh(products)
        invalidate_pages(PAGES)
        return count

    @admin.action(description="Activate the selected products")
    def activate(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        count = self._set_active(queryset, True)
        self.message_user(request, f"{count} product(s) activated.")

    @admin.action(description="Deactivate the selected products (hidden, cannot be bought)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        count = self._set_active(queryset, False)
        self.message_user(request, f"{count} product(s) deactivated.")


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    form = VariantAdminForm
    list_display = (
        "sku",
        "product",
        "name",
        "price",
        "in_stock",
        "allocated",
        "low_stock_threshold",
        "is_active",
    )
    list_filter = ("is_active", "low_stock_alerted", "product__category")
    list_select_related = ("product",)
    search_fields = ("sku", "name", "product__name")
    autocomplete_fields = ("product",)
    readonly_fields = ("allocated",)

    def save_model(self, request: HttpRequest, obj: Variant, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Stock raised here re-arms low-stock alerts and tells the customers waiting (stock.py).
        stock.edited([obj.pk])


@admin.register(BackInStockSubscription)
class BackInStockSubscriptionAdmin(admin.ModelAdmin):
    """Who waits for which sold-out option ("tell me when it is back"); emailed once by ``alerts.py``."""

    list_display = ("email", "variant", "created_at", "notified_at")
    list_filter = (("notified_at", admin.EmptyFieldListFilter),)
    list_select_related = ("variant__product",)
    search_fields = ("email", "variant__sku", "variant__product__name")
    autocomplete_fields = ("variant",)
    readonly_fields = ("created_at", "notified_at")
    date_hierarchy = "created_at"
