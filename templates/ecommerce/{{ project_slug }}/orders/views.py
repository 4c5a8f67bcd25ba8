"""Checkout and the customer's orders. Customers see only their own orders: anyone else's is a 404. A guest
(no account) checks out with an email address and sees their order through its signed link (``guests.py``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from ..addresses import book
from ..cart.own_pages import own_pages
from ..cart.services import get_cart, summarize
from ..core.page_cache import signed_in_page_cache
from . import guests, returns
from .checkout import CartSpent, CheckoutError, ShippingChanged, place_order
from .forms import CheckoutForm, ReturnForm
from .housekeeping import reservation
from .lifecycle import TransitionNotAllowed, can_transition, transition
from .models import Order, Refund, ShippingMethod
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
    context = {"form": form, "cart": summary, "shipping": shipping, **_address_choice(request)}
    # Another shipping method chosen with htmx: only the review step (summary, quote, "Place order") changes.
    in_place = request.htmx and data is not None and "update" in data
    template = "orders/partials/review.html" if in_place else "orders/checkout.html"
    return render(request, template, context, status=status)


def _address_choice(request: HttpRequest) -> dict[str, Any]:
    """The saved addresses a customer may pick at checkout, and the one picked (or the default); for a
    guest, where to sign in instead."""
    if not request.user.is_authenticated:
        return {"login_url": f"{resolve_url(settings.LOGIN_URL)}?next={reverse('orders:checkout')}"}
    addresses = list(book.addresses_of(request.user))
    picked = request.GET.get("address", "")
    chosen = next((a for a in addresses if str(a.pk) == picked), None)
    chosen = chosen or next((a for a in addresses if a.is_default), None)
    return {"addresses": addresses, "picked": chosen.pk if chosen else None}


def _initial(request: HttpRequest) -> dict[str, Any]:
    """The checkout form's first values: a customer's name, email and default address, or the saved address
    they picked (``?address=<id>``, one of their own); nothing but a fresh token for a guest."""
    initial: dict[str, Any] = {"checkout_token": uuid.uuid4()}
    user = request.user
    if not user.is_authenticated:
        return initial
    initial.update(full_name=user.name or user.get_username(), email=user.email)
    picked = request.GET.get("address", "")
    address = None
    if picked.isascii() and picked.isdecimal():  # one of the customer's own, or else the default
        address = book.addresses_of(user).filter(pk=picked).first()
    address = address or book.default_of(user)
    if address is not None:
        initial.update(address.as_order_address())
    return initial


@transaction.non_atomic_requests  # place_order runs its own transaction; the payment step runs after it
def checkout(request: HttpRequest) -> HttpResponse:
    """GET: the address, shipping and payment form with the summary. POST: place the order. Visitors check
    out as guests (their email address identifies them); customers pick one of their saved addresses.

    "Update summary" (``update`` in the POST) re-shows the summary for another shipping method; the order
    is placed only with "Place order" and the summary the customer saw. A repeat of a form that already
    placed its order (same checkout token) goes to that order.
    """
    if request.method != "POST":
        if not summarize(get_cart(request)).lines:
            messages.info(request, "Your cart is empty.")
            return redirect("cart:detail")
        return _checkout_page(request, initial=_initial(request))
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
            user=request.user if request.user.is_authenticated else None,
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
        sent = " We sent the link to this page to your email address." if placed.order.is_guest_order else ""
        messages.success(request, f"Thank you! Your order {placed.order.number} is placed.{sent}")
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


@method_decorator(signed_in_page_cache(own_pages), name="dispatch")
class OrderListView(CustomerOrderMixin, ListView):
    """The customer's order history, newest first (a fixed number of queries however many orders).

    A page is kept per session until one of the customer's orders or their cart (the count in the header)
    changes (``core/page_cache.py``, renewed by ``cart/own_pages.py``)."""

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
        context = _order_context(self.object)
        context["invoice_url"] = reverse("orders:invoice", kwargs={"pk": self.object.pk})
        context["return_url"] = reverse("orders:return", kwargs={"pk": self.object.pk})
        return super().get_context_data(**context, **kwargs)


def _order_context(order: Order) -> dict[str, Any]:
    """What an order's page shows besides the order: how to pay, until when, whether it can be cancelled."""
    provider = provider_for(order)
    waiting = order.status == Order.Status.PENDING_PAYMENT
    return {
        "payment": provider.start(order) if provider and waiting else None,
        "pay_by": order.created_at + reservation()
        if waiting and provider and not provider.paid_on_delivery
        else None,
        "can_cancel": not order.is_guest_order and can_transition(order, Order.Status.CANCELLED) and waiting,
        "refunds": order.refunds.filter(status=Refund.Status.SUCCEEDED),
        "returns": order.returns.select_related("refund").prefetch_related("lines__line"),
        "can_return": not returns.why_not_returnable(order),
        "return_by": returns.return_deadline(order),
    }


def _guest_order(request: HttpRequest, token: str) -> Order | HttpResponse:
    """The guest order ``token`` opens, or the page saying why it opens nothing (a 4xx with the reason)."""
    try:
        order = guests.order_for(token)
    except guests.LinkRefused as error:
        return render(request, "orders/guest_link_refused.html", {"reason": str(error)}, status=error.status)
    if order.user_id is not None:
        if order.user_id == request.user.pk:
            return redirect(order)
        reason = "This order now belongs to an account: sign in with the email address you ordered with."
        return render(request, "orders/guest_link_refused.html", {"reason": reason}, status=403)
    return order


def guest_order_detail(request: HttpRequest, token: str) -> HttpResponse:
    """A guest's order page, reached through the signed link of the confirmation email."""
    order = _guest_order(request, token)
    if isinstance(order, HttpResponse):
        return order
    context = {
        "order": order,
        "invoice_url": reverse("orders:guest_invoice", kwargs={"token": token}),
        "return_url": reverse("orders:guest_return", kwargs={"token": token}),
    }
    return render(request, "orders/order_detail.html", {**context, **_order_context(order)})


def guest_invoice(request: HttpRequest, token: str) -> HttpResponse:
    """The printable invoice of a guest's paid order (a 404 until it is paid)."""
    order = _guest_order(request, token)
    if isinstance(order, HttpResponse):
        return order
    if order.invoice_sequence is None:
        raise Http404("This order has no invoice yet: it is issued once the order is paid.")
    return render(request, "orders/invoice.html", {"order": order, **_invoice_context(order)})


def _invoice_context(order: Order) -> dict[str, Any]:
    provider = provider_for(order)
    return {
        "payment_label": provider.label if provider else order.payment_method,
        "seller_account": settings.SHOP_BANK_ACCOUNT,
    }


class InvoiceView(LoginRequiredMixin, DetailView):
    """The printable invoice of a paid order: for the customer who placed it, and for staff; anyone else,
    and an order without an invoice number (not paid yet), is a 404."""

    template_name = "orders/invoice.html"
    context_object_name = "order"

    def get_queryset(self) -> QuerySet[Order]:
        orders = Order.objects.filter(invoice_sequence__isnull=False).prefetch_related("lines")
        return orders if self.request.user.is_staff else orders.filter(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**_invoice_context(self.object), **kwargs)


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


def _return_page(request: HttpRequest, order: Order, order_url: str) -> HttpResponse:
    """Ask to return some of ``order``'s units (``returns.py``). An order that takes no return is a 409
    saying why; a form that cannot be used is shown again with its errors (400)."""
    page = {"order": order, "order_url": order_url, "return_days": settings.SHOP_RETURN_DAYS}
    if refusal := returns.why_not_returnable(order):
        return render(request, "orders/return_form.html", {**page, "refusal": refusal}, status=409)
    form = ReturnForm(request.POST if request.method == "POST" else None, order=order)
    if request.method == "POST":
        if form.is_valid():
            try:
                returns.request_return(order, form.quantities(), form.cleaned_data["reason"])
            except returns.ReturnRefused as error:  # another request took the units meanwhile
                form.add_error(None, str(error))
            else:
                messages.success(request, "We received your return request and will email you our answer.")
                return redirect(order_url)
        return render(request, "orders/return_form.html", {**page, "form": form}, status=400)
    return render(request, "orders/return_form.html", {**page, "form": form})


@login_required
def return_order(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order.objects.prefetch_related("lines"), pk=pk, user=request.user)
    return _return_page(request, order, order.get_absolute_url())


def guest_return_order(request: HttpRequest, token: str) -> HttpResponse:
    """The return form of a guest's order, reached from its signed link's page."""
    order = _guest_order(request, token)
    if isinstance(order, HttpResponse):
        return order
    return _return_page(request, order, reverse("orders:guest_detail", kwargs={"token": token}))
