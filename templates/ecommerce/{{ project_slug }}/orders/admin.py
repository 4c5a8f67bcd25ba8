"""Staff manage orders here. The status is read-only in the form: it changes only through the actions,
which call ``lifecycle.transition`` like every other part of the shop (stock and emails included)."""

import re

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .lifecycle import TransitionNotAllowed, transition
from .models import GatewayEvent, InvoiceCounter, Order, OrderLine, ShippingMethod

#: An invoice number as staff type it into the search box: ``2026-000042``.
INVOICE_NUMBER = re.compile(r"(?P<year>[0-9]{4})-(?P<sequence>[0-9]{1,9})")


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ("name", "price", "is_active", "position")
    list_editable = ("position",)
    list_filter = ("is_active",)
    search_fields = ("name", "description")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("product_name", "sku", "unit_price", "quantity", "line_total")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


def _move(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Order], target: str) -> None:
    moved, refused = 0, []
    for order in queryset.order_by("pk"):
        try:
            transition(order, target)
        except TransitionNotAllowed as error:
            refused.append(str(error))
        else:
            moved += 1
    label = Order.Status(target).label.lower()
    if moved:
        modeladmin.message_user(request, f"{moved} order(s) marked {label}.", messages.SUCCESS)
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


class GuestOrderFilter(admin.SimpleListFilter):
    """Orders placed without an account (``guests.py``), or by customers with one."""

    title = "guest order"
    parameter_name = "guest"

    def lookups(self, request, model_admin):
        return [("yes", "Yes (no account)"), ("no", "No (an account's)")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(user__isnull=self.value() == "yes")
        return queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "number", "created_at", "full_name", "email", "status", "payment_method", "total", "invoice",
    )  # fmt: skip
    list_filter = ("status", GuestOrderFilter, "payment_method", "shipping_method", "created_at")
    list_select_related = ("user",)
    search_fields = (
        "=id",
        "email",
        "full_name",
        "user__username",
        "lines__sku",
        "payment_reference",
        "voucher_code",
    )
    # An invoice number is searched as typed: "2026-000042" (see get_search_results).
    date_hierarchy = "created_at"
    readonly_fields = (
        "user", "status", "checkout_token", "shipping_method", "shipping_price", "subtotal",
        "voucher_code", "discount", "tax", "tax_rate", "tax_included", "total",
        "currency", "payment_method", "payment_reference", "created_at", "paid_at", "shipped_at",
        "completed_at", "cancelled_at", "invoice", "stripe_session_id", "stripe_payment_intent",
        "stripe_refunded",
    )  # fmt: skip
    inlines = (OrderLineInline,)
    actions = ("mark_paid", "mark_shipped", "mark_completed", "cancel")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are placed by customers at checkout

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Order], search_term: str
    ) -> tuple[QuerySet[Order], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if match := INVOICE_NUMBER.fullmatch(search_term.strip()):
            year, sequence = int(match["year"]), int(match["sequence"])
            queryset |= self.model.objects.filter(invoice_year=year, invoice_sequence=sequence)
        return queryset, may_have_duplicates

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False  # cancel instead: that releases the stock

    @admin.display(description="order", ordering="pk")
    def number(self, obj: Order) -> str:
        return obj.number

    @admin.display(description="invoice")
    def invoice(self, obj: Order) -> str | None:
        """The invoice number, given when the order was paid (read-only: ``invoicing.py`` owns it)."""
        return obj.invoice_number or None  # None: the admin's "empty" mark

    @admin.action(description="Mark as paid (bank transfer or cash received)")
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _move(self, request, queryset, Order.Status.PAID)

    @admin.action(description="Mark as shipped (takes the units out of stock)")
    def mark_shipped(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _move(self, request, queryset, Order.Status.SHIPPED)

    @admin.action(description="Mark as completed")
    def mark_completed(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _move(self, request, queryset, Order.Status.COMPLETED)

    @admin.action(description="Cancel (releases the reserved stock)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _move(self, request, queryset, Order.Status.CANCELLED)


@admin.register(GatewayEvent)
class GatewayEventAdmin(admin.ModelAdmin):
    """The payment gateway's events that were acted on (read-only: the webhook records them)."""

    list_display = ("event_id", "event", "order", "received_at")
    list_select_related = ("order",)
    search_fields = ("=event_id", "=order__id")
    readonly_fields = ("event_id", "event", "order", "received_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GatewayEvent | None = None) -> bool:
        return False


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(admin.ModelAdmin):
    """The last invoice number of each year (read-only: payments take the numbers, ``invoicing.py``)."""

    list_display = ("year", "last")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: InvoiceCounter | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: InvoiceCounter | None = None) -> bool:
        return False
