"""Staff manage orders here. The status is read-only in the form: it changes only through the actions,
which call ``lifecycle.transition`` like every other part of the shop (stock and emails included)."""

import re
import uuid

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from . import returns
from .lifecycle import TransitionNotAllowed, transition
from .models import (
    GatewayEvent,
    InvoiceCounter,
    Order,
    OrderLine,
    Refund,
    ReturnLine,
    ReturnRequest,
    ShippingMethod,
)
from .payments import RefundError
from .refunds import refund, refundable

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
    fields = ("product_name", "sku", "unit_price", "quantity", "line_total", "returned_quantity")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


class RefundInline(admin.TabularInline):
    """The order's refunds (read-only: made with "Refund…" on the order, ``refunds.py``)."""

    model = Refund
    extra = 0
    can_delete = False
    fields = ("created_at", "amount", "status", "reason", "reference", "failure", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


class RefundForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0.01)
    reason = forms.CharField(max_length=200, help_text="Told to the customer in the refund email.")
    #: One per form: submitting the same form twice makes one refund.
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)


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
        "completed_at", "cancelled_at", "refunded_at", "refunded_total", "refund_link", "invoice",
        "stripe_session_id", "stripe_payment_intent", "stripe_refunded",
    )  # fmt: skip
    inlines = (OrderLineInline, RefundInline)
    actions = ("mark_paid", "mark_shipped", "mark_completed", "cancel", "refund_in_full")

    def get_urls(self) -> list[URLPattern]:
        # Not in the request's transaction: each step of a refund commits, the provider is asked in between.
        view = transaction.non_atomic_requests(self.admin_site.admin_view(self.refund_view))
        return [path("<int:pk>/refund/", view, name="orders_order_refund"), *super().get_urls()]

    @admin.display(description="refund")
    def refund_link(self, obj: Order) -> str:
        left = refundable(obj)
        if not left:
            return "Nothing left to refund."
        url = reverse("admin:orders_order_refund", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">Refund…</a> (up to {} {})', url, left, obj.currency)

    def refund_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A full or partial refund of one order, through its payment provider (``refunds.py``)."""
        order = get_object_or_404(Order, pk=pk)
        if not self.has_change_permission(request, order):
            return redirect("admin:index")
        initial = {"amount": refundable(order), "idempotency_key": uuid.uuid4().hex}
        form = RefundForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                made = refund(
                    order, data["amount"], reason=data["reason"], idempotency_key=data["idempotency_key"],
                    created_by=request.user,
                )  # fmt: skip
            except RefundError as error:
                form.add_error(None, error.reason)
            else:
                self.message_user(request, f"Refunded {made.amount} {order.currency} ({made.reference}).")
                return redirect("admin:orders_order_change", order.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refund order {order.number}",
            "opts": self.opts,
            "original": order,
            "form": form,
            "refundable": refundable(order),
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/orders/order/refund.html", context, status=status)

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

    @admin.action(description="Refund what is left of the payment (full refund)")
    def refund_in_full(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        for order in queryset.order_by("pk"):
            # The key names the order and what was refunded before: a second click finds nothing left.
            key = f"order-{order.pk}-rest-after-{order.refunded_total}"
            if not refundable(order):
                note = f"Order {order.number}: nothing left to refund (not paid, or refunded already)."
                self.message_user(request, note, messages.WARNING)
                continue
            try:
                made = refund(order, refundable(order), reason="Full refund", idempotency_key=key,
                              created_by=request.user)  # fmt: skip
            except RefundError as error:
                self.message_user(request, f"Order {order.number}: {error.reason}", messages.WARNING)
            else:
                self.message_user(request, f"Order {order.number}: refunded {made.amount} {order.currency}.")


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


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = ("line", "quantity")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    """Customers' return requests. Approve restocks the units and refunds their value; reject tells the
    customer the *rejection reason* written on the request first (``returns.py``)."""

    list_display = ("__str__", "order", "status", "created_at", "decided_at", "refund")
    list_filter = ("status", "created_at")
    list_select_related = ("order", "refund")
    search_fields = ("=order__id", "order__email")
    fields = (
        "order",
        "status",
        "reason",
        "rejection_reason",
        "refund",
        "created_at",
        "decided_at",
        "decided_by",
    )
    readonly_fields = ("order", "status", "reason", "refund", "created_at", "decided_at", "decided_by")
    inlines = (ReturnLineInline,)
    actions = ("approve", "reject")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers ask for returns on their order's page

    def has_delete_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False

    @admin.action(description="Approve (restock the items and refund their value)")
    def approve(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        for item in queryset.order_by("pk"):
            try:
                done = returns.approve(item, decided_by=request.user)
            except (returns.ReturnRefused, RefundError) as error:
                self.message_user(request, f"{item}: {error}", messages.WARNING)
            else:
                refunded = f", refunded {done.refund.amount}" if done.refund else ""
                self.message_user(request, f"{item}: approved, items restocked{refunded}.")

    @admin.action(description="Reject (with the rejection reason written on each request)")
    def reject(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        for item in queryset.order_by("pk"):
            try:
                returns.reject(item, item.rejection_reason, decided_by=request.user)
            except returns.ReturnRefused as error:
                self.message_user(request, f"{item}: {error}", messages.WARNING)
            else:
                self.message_user(request, f"{item}: rejected.")
