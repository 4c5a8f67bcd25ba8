"""Catalogue pages: the product list (category filter, search, price ordering, pagination) and a product."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from ..cart.forms import AddToCartForm
from .models import Category, Product, Variant
from .selectors import ORDERINGS, category_tree, product_detail_queryset, product_list


class ProductListView(ListView):
    """The shop's front page. ``?category=<slug>`` (sub-categories included), ``?q=`` searches names,
    descriptions and SKUs, ``?ordering=`` one of ``ORDERINGS``."""

    template_name = "catalogue/product_list.html"
    context_object_name = "products"

    def get_paginate_by(self, queryset: Any) -> int:
        return settings.SHOP_PRODUCTS_PER_PAGE

    def get_queryset(self) -> Any:
        slug = self.request.GET.get("category", "")
        self.category = get_object_or_404(Category, slug=slug) if slug else None
        self.query = self.request.GET.get("q", "").strip()[:100]
        self.ordering = self.request.GET.get("ordering", "name")
        if self.ordering not in ORDERINGS:
            self.ordering = "name"
        return product_list(category=self.category, search=self.query, ordering=self.ordering)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        params = {"category": self.category.slug if self.category else "", "q": self.query}
        params["ordering"] = self.ordering
        return super().get_context_data(
            category=self.category,
            categories=category_tree(),
            query=self.query,
            ordering=self.ordering,
            orderings=[
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
        return super().get_context_data(**product_page_context(self.object, variants, form), **kwargs)


def product_page_context(product: Product, variants: list[Variant], form: AddToCartForm) -> dict[str, Any]:
    """What the product page shows: ``variants`` (the active ones, cheapest first), whether their prices
    differ ("from …") and the add-to-cart ``form``."""
    return {
        "product": product,
        "variants": variants,
        "price_varies": len({variant.price for variant in variants}) > 1,
        "form": form,
    }
