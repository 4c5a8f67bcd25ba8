"""Catalogue pages: the product list (category filter, search, price ordering, pagination) and a product."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from ..cart.forms import AddToCartForm
from .forms import ProductFilterForm
from .models import Category, Product, Variant
from .selectors import ORDERINGS, category_tree, product_detail_queryset, product_facets, product_list


class ProductListView(ListView):
    """The shop's front page. ``?q=`` searches (``search.py``), ``?category=<slug>`` (sub-categories
    included), ``?price=`` (a range of ``SHOP_PRICE_FACETS``) and ``?in_stock=on`` filter, each shown with
    how many products it would show; ``?ordering=`` is one of ``ORDERINGS``."""

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
        return product_list(category=self.category, ordering=self.ordering, **self.filters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tree = category_tree()
        facets = product_facets(tree=tree, category=self.category, **self.filters)
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
