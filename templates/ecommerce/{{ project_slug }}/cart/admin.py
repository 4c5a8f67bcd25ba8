from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import Cart, CartLine, Voucher


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    fields = ("variant", "quantity", "added_at")
    readonly_fields = ("added_at",)
    raw_id_fields = ("variant",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    """Carts are the customers'; staff look (e.g. at abandoned carts) and may delete old visitor carts."""

    list_display = ("__str__", "user", "line_count", "updated_at")
    list_filter = (("user", admin.EmptyFieldListFilter), "updated_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    readonly_fields = ("user", "created_at", "updated_at")
    inlines = (CartLineInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cart]:
        return super().get_queryset(request).annotate(line_count=Count("lines"))

    @admin.display(description="lines", ordering="line_count")
    def line_count(self, obj: Cart) -> int:
        return obj.line_count


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    """Codes and their rules. ``uses`` is counted by checkout only (``cart/vouchers.py``); a voucher that
    orders used cannot be deleted (they keep it): deactivate it instead."""

    list_display = ("code", "kind", "value", "minimum_subtotal", "starts_at", "ends_at", "uses", "max_uses",
                    "is_active")  # fmt: skip
    list_filter = ("is_active", "kind")
    list_editable = ("is_active",)
    search_fields = ("code",)
    readonly_fields = ("uses",)
    fieldsets = (
        (None, {"fields": ("code", "kind", "value", "minimum_subtotal", "is_active")}),
        ("Validity", {"fields": ("starts_at", "ends_at")}),
        ("Limits", {"fields": ("max_uses", "max_uses_per_customer", "uses")}),
    )
