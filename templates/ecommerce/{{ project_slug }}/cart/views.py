"""The cart page and its changes (POST only). Each change answers a plain form with a message and a
redirect, and the same form sent by htmx with the fragment it changed (``core.in_place.answer``): the
add-to-cart form or the cart, plus the header's item count and a status line."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from ..catalogue.selectors import product_detail_queryset
from ..catalogue.views import product_page_context
from ..core.in_place import answer
from . import vouchers
from .forms import AddToCartForm, QuantityForm, VoucherForm
from .models import Cart, CartLine
from .services import CartError, add, get_cart, set_quantity, summarize

ADD_FRAGMENT = "cart/partials/add_to_cart.html"
CART_FRAGMENT = "cart/partials/cart.html"


@require_safe
def cart_detail(request: HttpRequest) -> HttpResponse:
    """The cart; a line that cannot be bought as it is (sold out, too many) is marked in its row."""
    return render(request, "cart/cart_detail.html", cart_context(get_cart(request)))


def cart_context(cart: Cart | None, voucher_form: VoucherForm | None = None, **extra: object) -> dict:
    """What the cart fragment shows: the cart's summary and the voucher form."""
    return {"cart": summarize(cart), "voucher_form": voucher_form or VoucherForm(), **extra}


@require_POST
def add_to_cart(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a variant of the product ``slug``. An invalid quantity or an unavailable variant leaves the cart
    unchanged and shows the form again with the reason: the product page with status 400, or for htmx the
    form fragment (status 200, since htmx swaps only a success)."""
    product = get_object_or_404(product_detail_queryset(), slug=slug)
    variants = list(product.variants.all())
    form = AddToCartForm(request.POST, variants=variants)
    if form.is_valid():
        variant = next(variant for variant in variants if variant.pk == form.cleaned_data["variant"].pk)
        try:
            add(get_cart(request, create=True), variant, form.cleaned_data["quantity"])
        except CartError as error:
            form.add_error("quantity", str(error))
        else:
            done = f"{form.cleaned_data['quantity']} x {variant} added to your cart."
            context = {
                "product": product,
                "form": AddToCartForm(variants=variants, initial={"variant": variant.pk}),
                "status": done,
                "status_link": True,
            }
            return answer(request, ADD_FRAGMENT, context, redirect_to=reverse("cart:detail"), message=done)
    if request.htmx:
        problems = " ".join(error for errors in form.errors.values() for error in errors)
        context = {"product": product, "form": form, "status": f"Not added: {problems}", "status_error": True}
        return render(request, ADD_FRAGMENT, context)
    context = product_page_context(product, variants, form)
    return render(request, "catalogue/product_detail.html", context, status=400)


@require_POST
def update_line(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a line's quantity (0 removes it). Only lines of the request's own cart: others are a 404."""
    cart = get_cart(request)
    line = get_object_or_404(CartLine.objects.select_related("variant__product"), pk=pk, cart=cart)
    form = QuantityForm(request.POST)
    if form.is_valid():
        try:
            kept = set_quantity(line, form.cleaned_data["quantity"])
        except CartError as error:
            problem = str(error)
        else:
            done = f"{line.variant}: {'quantity updated' if kept else 'removed from your cart'}."
            context = cart_context(cart, status=done)
            return answer(request, CART_FRAGMENT, context, redirect_to=reverse("cart:detail"), message=done)
    else:
        problem = " ".join(f"{line.variant}: {error}" for error in form.errors["quantity"])
    if request.htmx:
        context = cart_context(cart, status=problem, status_error=True)
        return render(request, CART_FRAGMENT, context)
    messages.error(request, problem)
    return redirect("cart:detail")


@require_POST
def apply_voucher(request: HttpRequest) -> HttpResponse:
    """Apply a voucher code to the cart. A code that does not apply (unknown, expired, used up, below its
    minimum…) is a form error with the reason: the cart page with status 400, or for htmx the cart
    fragment."""
    cart = get_cart(request)
    form = VoucherForm(request.POST)
    if form.is_valid():
        summary = summarize(cart)
        if cart is None or not summary.lines:
            form.add_error("code", "Your cart is empty: add something first.")
        else:
            try:
                voucher = vouchers.apply(
                    cart, form.cleaned_data["code"], summary.totals.subtotal, request.user
                )
            except vouchers.VoucherError as error:
                form.add_error("code", str(error))
            else:
                done = f"Voucher {voucher.code} applied: {vouchers.describe(voucher)}."
                context = cart_context(cart, status=done)
                return answer(
                    request, CART_FRAGMENT, context, redirect_to=reverse("cart:detail"), message=done
                )
    problem = " ".join(form.errors["code"])
    if request.htmx:
        return render(request, CART_FRAGMENT, cart_context(cart, form, status=problem, status_error=True))
    return render(request, "cart/cart_detail.html", cart_context(cart, form), status=400)


@require_POST
def remove_voucher(request: HttpRequest) -> HttpResponse:
    cart = get_cart(request)
    if cart is not None:
        vouchers.remove(cart)
    done = "The voucher was removed from your cart."
    return answer(
        request,
        CART_FRAGMENT,
        cart_context(cart, status=done),
        redirect_to=reverse("cart:detail"),
        message=done,
    )
