"""The cart page and its changes (POST only; each answers with a message and a redirect to the cart)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from ..catalogue.selectors import product_detail_queryset
from .forms import AddToCartForm, QuantityForm
from .models import CartLine
from .services import CartError, add, get_cart, set_quantity, summarize


@require_safe
def cart_detail(request: HttpRequest) -> HttpResponse:
    cart = summarize(get_cart(request))
    for problem in cart.problems.values():
        messages.warning(request, problem)
    return render(request, "cart/cart_detail.html", {"cart": cart})


@require_POST
def add_to_cart(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a variant of the product ``slug``; an invalid quantity or an unavailable variant re-shows the
    product page with the reason (status 400), and the cart is unchanged."""
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
            messages.success(request, f"{form.cleaned_data['quantity']} x {variant} added to your cart.")
            return redirect("cart:detail")
    context = {"product": product, "variants": variants, "form": form}
    return render(request, "catalogue/product_detail.html", context, status=400)


@require_POST
def update_line(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a line's quantity (0 removes it). Only lines of the request's own cart: others are a 404."""
    cart = get_cart(request)
    line = get_object_or_404(CartLine.objects.select_related("variant__product"), pk=pk, cart=cart)
    form = QuantityForm(request.POST)
    if not form.is_valid():
        for error in form.errors["quantity"]:
            messages.error(request, f"{line.variant}: {error}")
        return redirect("cart:detail")
    try:
        kept = set_quantity(line, form.cleaned_data["quantity"])
    except CartError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{line.variant}: {'quantity updated' if kept else 'removed from your cart'}."
        )
    return redirect("cart:detail")
