from __future__ import annotations

from typing import Any

from django import forms

from ..addresses import forms as address_forms
from ..cart.currency import format_money
from .models import Order, ShippingMethod
from .payments import enabled_providers
from .quote import BadQuote, Quote


class QuoteField(forms.CharField):
    """The signed summary the customer saw (``quote.Quote``), carried by the checkout page."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> Quote | None:
        value = super().to_python(value)
        if not value:
            return None
        try:
            return Quote.unsign(value)
        except BadQuote as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def prepare_value(self, value: Any) -> Any:
        return value.sign() if isinstance(value, Quote) else value


def shipping_label(method: ShippingMethod) -> str:
    """ "Express: €12.00 (Next working day)"."""
    label = f"{method.name}: {format_money(method.price)}"
    return f"{label} ({method.description})" if method.description else label


class CheckoutForm(forms.ModelForm):
    """Address, shipping and payment; the hidden ``checkout_token`` and ``quote`` make placing idempotent
    and reveal prices that changed since the summary was shown."""

    shipping_method = forms.ModelChoiceField(
        queryset=ShippingMethod.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the shipping methods listed."},
    )
    payment_method = forms.ChoiceField(widget=forms.RadioSelect)
    checkout_token = forms.UUIDField(widget=forms.HiddenInput)
    quote = QuoteField()

    class Meta:
        model = Order
        fields = ["full_name", "email", "address_line1", "address_line2", "postcode", "city", "country"]
        widgets = {**address_forms.WIDGETS, "email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = enabled_providers()
        self.fields["payment_method"].choices = [(provider.code, provider.label) for provider in providers]
        if providers:
            self.fields["payment_method"].initial = providers[0].code
        self.fields["shipping_method"].label_from_instance = shipping_label
        first_method = self.fields["shipping_method"].queryset.first()
        if first_method is not None:
            self.fields["shipping_method"].initial = first_method.pk

    def address_fields(self) -> list[forms.BoundField]:
        """The delivery address's fields, for the checkout's first step."""
        return [self[name] for name in self.Meta.fields]

    def address(self) -> dict[str, str]:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


class ReturnForm(forms.Form):
    """Which units of ``order`` to send back (one number per line that has any left) and why."""

    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the wrong size, damaged on arrival.",
    )

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields.pop("reason")
        for line in order.lines.all():
            if left := line.quantity - line.returned_quantity:
                self.fields[f"line_{line.pk}"] = forms.IntegerField(
                    label=f"{line.product_name} ({line.sku})",
                    min_value=0,
                    max_value=left,
                    initial=0,
                    required=False,
                    help_text=f"How many to return: up to {left}.",
                )
        self.fields["reason"] = reason

    def quantities(self) -> dict[int, int]:
        """Order line id → units to return (the lines left at 0 are left out)."""
        return {
            int(name.removeprefix("line_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and value
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not self.quantities():
            raise forms.ValidationError("Choose at least one item to return.", code="nothing")
        return cleaned
