"""Catalogue pages: the product list (category filter, search, price ordering, pagination), a product, and
"tell me when it is back" (subscribing on the product page, unsubscribing by the email's signed link)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import DetailView, ListView

from ..cart.forms import AddToCartForm
from ..core.in_place import answer
from ..core.page_cache import anonymous_page_cache
from ..core.pagination import CountedPaginator
from . import alerts
from .forms import BackInStockForm, ProductFilterForm
from .models import Category, Product, Variant
from .selectors import (
    ORDERINGS,
    category_tree,
    product_detail_queryset,
    product_facets,
    product_list,
)
from .signals import PAGES


@method_decorator(anonymous_page_cache(PAGES), name="dispatch")
class ProductListView(ListView):
    """The shop's front page. ``?q=`` searches (``search.py``), ``?category=<slug>`` (sub-categories
    included), ``?price=`` (a range of ``SHOP_PRICE_FACETS``) and ``?in_stock=on`` filter, each shown with
    how many products it would show; ``?ordering=`` is one of ``ORDERINGS``. Visitors who are not signed in
    get it from the page cache (``core/page_cache.py``; ``signals.py`` and ``stock.py`` renew it)."""

    template_name = "catalogue/product_list.html"
    context_object_name = "products"

    def get_paginate_by(self, queryset: Any) -> int:
        return settings.SHOP_PRODUCTS_PER_PAGE

    def get_queryset(self) -> Any:
        slug = self.request.GET.get("category", "")
        self.category = get_object_or_404(Category, slug=slug) if slug else None
        self.form = ProductFilterForm(self.request.GET)
        self.filters = self.form.filters()
        default = "relevance" if self.filters["search"] else "name"
        self.ordering = self.request.GET.get("ordering", default)
        if self.ordering not in ORDERINGS or (self.ordering == "relevance" and not self.filters["search"]):
            self.ordering = default
        self.facets = product_facets(tree=category_tree(), category=self.category, **self.filters)
        return product_list(category=self.category, ordering=self.ordering, **self.filters)

    def get_paginator(self, queryset: Any, per_page: int, *args: Any, **kwargs: Any) -> CountedPaginator:
        return CountedPaginator(queryset, per_page, *args, count=self.facets.total, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        facets = self.facets
        query, price, in_stock = self.filters["search"], self.filters["price"], self.filters["in_stock"]
        params = {
            "q": query,
            "category": self.category.slug if self.category else "",
            "price": price.key if price else "",
            "in_stock": "on" if in_stock else "",
            "ordering": self.ordering,
        }
        orderings = [("relevance", "Best match")] if query else []
        return super().get_context_data(
            form=self.form,
            category=self.category,
            query=query,
            price=price,
            in_stock=in_stock,
            facets=facets,
            # Categories with products to show, and the chosen one (whatever it holds).
            category_facets=[
                (item, depth, count)
                for item, depth, count in facets.categories
                if count or item == self.category
            ],
            ordering=self.ordering,
            orderings=[
                *orderings,
                ("name", "Name"),
                ("price", "Price: low to high"),
                ("-price", "Price: high to low"),
                ("newest", "Newest"),
            ],
            query_string=urlencode({key: value for key, value in params.items() if value}),
            **kwargs,
        )


class ProductDetailView(DetailView):
    """One active product with its variants, their availability and the add-to-cart form."""

    template_name = "catalogue/product_detail.html"
    context_object_name = "product"

    def get_queryset(self) -> Any:
        return product_detail_queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        variants = list(self.object.variants.all())
        form = kwargs.pop("form", None) or AddToCartForm(variants=variants)
        context = product_page_context(self.object, variants, form, email=_email_of(self.request))
        return super().get_context_data(**context, **kwargs)


def _email_of(request: HttpRequest) -> str:
    """The signed-in customer's address for "tell me when it is back" (no query: the user is loaded)."""
    return getattr(request.user, "email", "") if request.user.is_authenticated else ""


def product_page_context(
    product: Product,
    variants: list[Variant],
    form: AddToCartForm,
    *,
    email: str = "",
    back_in_stock_form: BackInStockForm | None = None,
) -> dict[str, Any]:
    """What the product page shows: ``variants`` (the active ones, cheapest first), whether their prices
    differ ("from …"), the add-to-cart ``form`` and, when an option is sold out, the "tell me when it is
    back" form (``email`` filled in)."""
    if back_in_stock_form is None and any(not variant.available for variant in variants):
        back_in_stock_form = BackInStockForm(variants=variants, initial={"email": email})
    return {
        "product": product,
        "variants": variants,
        "price_varies": len({variant.price for variant in variants}) > 1,
        "form": form,
        "back_in_stock_form": back_in_stock_form,
    }


BACK_IN_STOCK_FRAGMENT = "catalogue/partials/back_in_stock.html"


@require_POST
def back_in_stock(request: HttpRequest, slug: str) -> HttpResponse:
    """Subscribe an email address to a sold-out option of the product ``slug``. Subscribing twice is a
    message, not an error; an option that can be bought, or a bad address, shows the form again with the
    reason: the product page with status 400, or for htmx the form fragment (htmx swaps only a success)."""
    product = get_object_or_404(product_detail_queryset(), slug=slug)
    variants = list(product.variants.all())
    form = BackInStockForm(request.POST, variants=variants)
    if form.is_valid():
        try:
            done = alerts.subscribe(form.cleaned_data["variant"], form.cleaned_data["email"])
        except alerts.SubscribeRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            fresh = BackInStockForm(
                variants=variants,
                initial={"variant": done.subscription.variant_id, "email": done.subscription.email},
            )
            context = {"product": product, "back_in_stock_form": fresh, "status": done.message}
            return answer(
                request,
                BACK_IN_STOCK_FRAGMENT,
                context,
                redirect_to=product.get_absolute_url(),
                message=done.message,
            )
    problems = " ".join(error for errors in form.errors.values() for error in errors)
    if request.htmx:
        context = {
            "product": product,
            "back_in_stock_form": form,
            "status": f"Not subscribed: {problems}",
            "status_error": True,
        }
        return render(request, BACK_IN_STOCK_FRAGMENT, context)
    context = product_page_context(
        product, variants, AddToCartForm(variants=variants), back_in_stock_form=form
    )
    return render(request, "catalogue/product_detail.html", context, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def back_in_stock_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link of a back-in-stock email: no sign-in. GET asks to confirm (mail scanners open links),
    POST removes the address; a changed link is a 404 that says why."""
    try:
        subscription = alerts.subscription_for(token)
        if request.method == "POST":
            alerts.unsubscribe(token)
            if subscription is None:
                messages.info(request, "That address was not on the list (any more): nothing to remove.")
            else:
                messages.success(
                    request, f"{subscription.email} will not be emailed about {subscription.variant}."
                )
            return redirect("catalogue:product_list")
    except alerts.LinkRefused as refused:
        return render(
            request, "catalogue/back_in_stock_unsubscribe.html", {"reason": str(refused)}, status=404
        )
    return render(request, "catalogue/back_in_stock_unsubscribe.html", {"subscription": subscription})
