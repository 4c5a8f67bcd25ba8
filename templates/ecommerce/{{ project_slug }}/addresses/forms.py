from __future__ import annotations

from django import forms

from .models import Address

#: The address fields' widgets, with the autocomplete tokens browsers fill them from (also checkout's).
WIDGETS = {
    "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
    "address_line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
    "address_line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
    "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
    "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
    "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
}


class AddressForm(forms.ModelForm):
    make_default = forms.BooleanField(label="Use as my default address", required=False)

    class Meta:
        model = Address
        fields = ["label", "full_name", "address_line1", "address_line2", "postcode", "city", "country"]
        widgets = WIDGETS
