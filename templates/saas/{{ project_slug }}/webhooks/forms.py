from django import forms

from .models import EventType


class EndpointForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="An https:// address of your own system, on a public address (private, loopback and "
        "link-local addresses are refused).",
    )
    description = forms.CharField(max_length=200, required=False, help_text="What receives these events.")
    event_types = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events sent to this endpoint.",
    )
