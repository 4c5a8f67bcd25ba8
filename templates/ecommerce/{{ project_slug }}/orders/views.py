"""Checkout and the customer's orders. Customers see only their own orders: anyone else's is a 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from ..cart.services import get_cart, summarize
from .checkout import CartSpent, CheckoutError, ShippingChanged, place_order
from .forms import CheckoutForm
from .housekeeping import reservation
from .lifecycle import TransitionNotAllowed, can_transition, transition
from .models import Order, ShippingMethod
from .payments import provider_for
from .quote import quote_of


def _checkout_page(
    request: HttpRequest,
    data: QueryDict | None = None,
    *,
    initial: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The checkout form and the summary for the chosen shipping method. The hidden ``quote`` is always the
    summary shown on this page: placing the order confirms exactly those prices and that total."""
    chosen = CheckoutForm(data, initial=initial)["shipping_method"].value()
    methods = list(ShippingMethod.objects.filter(is_active=True))
    shipping = next((method for method in methods if str(method.pk) == str(chosen)), None)
    cart = get_cart(request)
    summary = summarize(cart, shipping.price if shipping else None)
    quote = quote_of(summary, shipping, cart).sign()
    if data is not None:
        data = data.copy()
        data["quote"] = quote
        if "checkout_token" in CheckoutForm(data).errors:
            data["checkout_token"] = str(uuid.uuid4())
        form = CheckoutForm(data)
        form.is_valid()
    else:
        form = CheckoutForm(initial={**(initial or {}), "quote": quote})
    context = {"form": form, "cart": summary, "shipping": shipping}
    # Another shipping method chosen with htmx: only the review step (summary, quote, "Place order") changes.
    in_place = request.htmx and data is not None and "update" in data
    template = "orders/partials/review.html" if in_place else "orders/checkout.html"
    return render(request, template, context, status=status)


@login_required
@transaction.non_atomic_requests  # place_order runs its own transaction; the payment step runs after it
def checkout(request: HttpRequest) -> HttpResponse:
    """GET: the address, shipping and payment form with the summary. POST: place the order.

    "Update summary" (``update`` in the POST) re-shows the summary for another shipping method; the order
    is placed only with "Place order" and the summary the customer saw. A repeat of a form that already
    placed its order (same checkout token) goes to that order.
    """
    if request.method != "POST":
        if not summarize(get_cart(request)).lines:
            messages.info(request, "Your cart is empty.")
            return redirect("cart:detail")
        user = request.user
        initial = {
            "full_name": user.name or user.get_username(),
            "email": user.email,
            "checkout_token": uuid.uuid4(),
        }
        return _checkout_page(request, initial=initial)
    if "update" in request.POST:
        return _checkout_page(request, request.POST)
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        if {"checkout_token", "quote"} & form.errors.keys():
            messages.error(
                request,
                "This checkout page was incomplete; please check the summary and place the order again.",
            )
        return _checkout_page(request, request.POST, status=400)
    try:
        placed = place_order(
            user=request.user,
            cart=get_cart(request),
            checkout_token=form.cleaned_data["checkout_token"],
            address=form.address(),
            shipping_method=form.cleaned_data["shipping_method"],
            payment_method=form.cleaned_data["payment_method"],
            quote=form.cleaned_data["quote"],
        )
    except CartSpent as error:
        if error.order is None:
            messages.error(request, str(error))
            return _checkout_page(request, request.POST, status=409)
        messages.info(request, str(error))
        return redirect(error.order)
    except ShippingChanged as error:
        # Not an error: the summary is shown again with the method the customer chose, to be confirmed.
        messages.info(request, str(error))
        return _checkout_page(request, request.POST)
    except CheckoutError as error:
        messages.error(request, str(error))
        return _checkout_page(request, request.POST, status=409)
    if placed.created:
        messages.success(request, f"Thank you! Your order {placed.order.number} is placed.")
        # The order is committed and no stock row is locked any more: now a gateway may be contacted.
        provider = provider_for(placed.order)
        payment = provider.start(placed.order) if provider else None
        if payment and payment.redirect_url:
            return redirect(payment.redirect_url)
    else:
        messages.info(request, f"Your order {placed.order.number} was already placed; here it is.")
    return redirect(placed.order)


class CustomerOrderMixin(LoginRequiredMixin):
    def get_queryset(self) -> QuerySet[Order]:
        return Order.objects.filter(user=self.request.user)


class OrderListView(CustomerOrderMixin, ListView):
    """The customer's order history, newest first (a fixed number of queries however many orders)."""

    template_name = "orders/order_list.html"
    context_object_name = "orders"

    def get_paginate_by(self, queryset: Any) -> int:
        return settings.SHOP_ORDERS_PER_PAGE

    def get_queryset(self) -> QuerySet[Order]:
        orders = super().get_queryset().annotate(num_items=Sum("lines__quantity"), num_lines=Count("lines"))
        return orders.order_by("-created_at", "-pk")


class OrderDetailView(CustomerOrderMixin, DetailView):
    template_name = "orders/order_detail.html"
    context_object_name = "order"

    def get_queryset(self) -> QuerySet[Order]:
        return super().get_queryset().prefetch_related("lines")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        provider = provider_for(self.object)
        waiting = self.object.status == Order.Status.PENDING_PAYMENT
        return super().get_context_data(
            payment=provider.start(self.object) if provider and waiting else None,
            pay_by=self.object.created_at + reservation()
            if waiting and provider and not provider.paid_on_delivery
            else None,
            can_cancel=can_transition(self.object, Order.Status.CANCELLED)
            and self.object.status == Order.Status.PENDING_PAYMENT,
            **kwargs,
        )


class InvoiceView(LoginRequiredMixin, DetailView):
    """The printable invoice of a paid order: for the customer who placed it, and for staff; anyone else,
    and an order without an invoice number (not paid yet), is a 404."""

    template_name = "orders/invoice.html"
    context_object_name = "order"

    def get_queryset(self) -> QuerySet[Order]:
        orders = Order.objects.filter(invoice_sequence__isnull=False).prefetch_related("lines")
        return orders if self.request.user.is_staff else orders.filter(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        provider = provider_for(self.object)
        return super().get_context_data(
            payment_label=provider.label if provider else self.object.payment_method,
            seller_account=settings.SHOP_BANK_ACCOUNT,
            **kwargs,
        )


@login_required
@require_POST
def cancel_order(request: HttpRequest, pk: int) -> HttpResponse:
    """Customers may cancel an order that is still waiting for payment; its stock is released."""
    order = get_object_or_404(Order, pk=pk, user=request.user)
    if order.status != Order.Status.PENDING_PAYMENT:
        messages.error(request, "Only orders waiting for payment can be cancelled here; please contact us.")
        return redirect(order)
    try:
        transition(order, Order.Status.CANCELLED)
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Order {order.number} is cancelled.")
    return redirect(order)
