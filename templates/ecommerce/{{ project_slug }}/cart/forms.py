from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from ..catalogue.models import Variant


def quantity_field(*, min_value: int = 1) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=min_value,
        max_value=settings.SHOP_MAX_QUANTITY_PER_LINE,
        error_messages={
            "invalid": "Enter the quantity as a whole number.",
            "required": "Enter a quantity.",
            "min_value": "The quantity must be at least %(limit_value)s.",
            "max_value": "You can buy at most %(limit_value)s at a time.",
        },
    )


class AddToCartForm(forms.Form):
    """Which variant of a product and how many. Whether that many can be bought is decided by
    ``catalogue.availability.purchase_problem`` when the line is added (``cart.services.add``)."""

    variant = forms.ModelChoiceField(
        queryset=Variant.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        label="Option",
        error_messages={"invalid_choice": "Choose one of the listed options; that one is not sold any more."},
    )

    def __init__(self, *args: Any, variants: list[Variant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["variant"].queryset = Variant.objects.filter(pk__in=[variant.pk for variant in variants])
        self.fields["variant"].choices = [(variant.pk, variant.name or variant.sku) for variant in variants]
        self.fields["quantity"] = quantity_field()
        self.fields["quantity"].initial = 1
        self.variants = variants
        if "variant" not in self.initial and variants:
            # The first option that can be bought is chosen, so that one click adds something.
            self.initial["variant"] = next((v for v in variants if v.available), variants[0]).pk

    @property
    def options(self) -> list[tuple[Any, Variant]]:
        """Each variant's radio button with the variant: the page shows its price and stock beside it."""
        return list(zip(self["variant"], self.variants, strict=True))


class QuantityForm(forms.Form):
    """A cart line's new quantity; 0 removes the line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quantity"] = quantity_field(min_value=0)


class VoucherForm(forms.Form):
    """A voucher code; whether it applies is decided by ``cart.vouchers.apply`` (its reason is the error)."""

    code = forms.CharField(
        label="Voucher code",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": "Enter a voucher code.", "max_length": "No voucher code is that long."},
    )
