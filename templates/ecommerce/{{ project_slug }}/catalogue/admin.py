from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.http import HttpRequest

from .models import Category, Product, ProductImage, Variant


class VariantAdminForm(forms.ModelForm):
    """Staff may not set the stock below what open orders have reserved (read fresh from the database)."""

    class Meta:
        model = Variant
        fields = ("product", "sku", "name", "price", "in_stock", "is_active")

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
    fields = ("sku", "name", "price", "in_stock", "allocated", "is_active")
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return (
            super()
            .get_queryset(request)
            .annotate(available=Sum(F("variants__in_stock") - F("variants__allocated")))
        )

    @admin.display(description="available", ordering="available")
    def stock_available(self, obj: Product) -> int:
        return obj.available or 0

    @admin.action(description="Activate the selected products")
    def activate(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        count = queryset.update(is_active=True)
        self.message_user(request, f"{count} product(s) activated.")

    @admin.action(description="Deactivate the selected products (hidden, cannot be bought)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        count = queryset.update(is_active=False)
        self.message_user(request, f"{count} product(s) deactivated.")


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    form = VariantAdminForm
    list_display = ("sku", "product", "name", "price", "in_stock", "allocated", "is_active")
    list_filter = ("is_active", "product__category")
    list_select_related = ("product",)
    search_fields = ("sku", "name", "product__name")
    autocomplete_fields = ("product",)
    readonly_fields = ("allocated",)
