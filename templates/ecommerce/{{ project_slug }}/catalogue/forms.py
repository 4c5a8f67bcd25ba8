"""The product list's search and filters (shared by the page and the API), and "tell me when it is back"."""

from __future__ import annotations

from typing import Any

from django import forms

from .listing import PriceRange, price_ranges
from .models import Variant

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


class BackInStockForm(forms.Form):
    """Tell me when it is back: which sold-out option (a hidden field when there is one) and the email
    address. Whether it may be subscribed is decided by ``alerts.subscribe``, under the variant's lock."""

    variant = forms.TypedChoiceField(
        coerce=int,
        label="Option",
        error_messages={
            "invalid_choice": "Choose one of the sold-out options; that one can be bought or is gone."
        },
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Enter your email address.", "invalid": "Enter a valid email address."},
    )

    def __init__(self, *args: Any, variants: list[Variant], **kwargs: Any) -> None:
        # Ids of its own: the add-to-cart form on the same page has a "variant" field too.
        kwargs.setdefault("auto_id", "back-in-stock-%s")
        super().__init__(*args, **kwargs)
        sold_out = [variant for variant in variants if not variant.available]
        self.fields["variant"].choices = [(variant.pk, str(variant)) for variant in sold_out]
        #: The one sold-out option's name, or "" when the customer chooses among several.
        self.single = str(sold_out[0]) if len(sold_out) == 1 else ""
        if self.single:
            self.fields["variant"].widget = forms.HiddenInput()
            self.initial.setdefault("variant", sold_out[0].pk)
        self.sold_out = sold_out
