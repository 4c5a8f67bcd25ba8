"""The product list's search and filters, shared by the page and the API."""

from __future__ import annotations

from typing import Any

from django import forms

from .selectors import PriceRange, price_ranges

#: The longest query searched; longer text is cut (the search box allows no more).
MAX_QUERY_LENGTH = 100


class ProductFilterForm(forms.Form):
    """``q`` (the words searched), ``price`` (a ``PriceRange.key``) and ``in_stock``. A value that is not
    valid is a form error and that filter is left out; the others still apply."""

    q = forms.CharField(label="Search", required=False)
    price = forms.ChoiceField(label="Price", required=False)
    in_stock = forms.BooleanField(label="In stock only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ranges = {item.key: item for item in price_ranges()}
        self.fields["price"].choices = [("", "Any price"), *((key, key) for key in self.ranges)]

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH].strip()

    def filters(self) -> dict[str, Any]:
        """The valid filters, as ``selectors.product_list`` and ``product_facets`` take them."""
        self.is_valid()
        data = self.cleaned_data
        price: PriceRange | None = self.ranges.get(data.get("price") or "")
        return {"search": data.get("q", ""), "price": price, "in_stock": bool(data.get("in_stock"))}
