from __future__ import annotations

from django import forms

from .preferences import Choice


class PreferencesForm(forms.Form):
    """Two checkboxes per kind of notification (``<kind>-in_app``, ``<kind>-email``); the digest has only
    the email one."""

    def __init__(self, *args: object, choices: list[Choice], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        for choice in choices:
            channels = ("email",) if choice.email_only else ("in_app", "email")
            for channel in channels:
                self.fields[f"{choice.kind}-{channel}"] = forms.BooleanField(
                    label=f"{choice.label}: {'in the app' if channel == 'in_app' else 'by email'}",
                    required=False,
                    initial=getattr(choice, channel),
                )

    def rows(self) -> list[tuple[Choice, forms.BoundField | None, forms.BoundField]]:
        """(choice, in-app field or None, email field) per kind, for the table."""
        return [
            (
                choice,
                None if choice.email_only else self[f"{choice.kind}-in_app"],
                self[f"{choice.kind}-email"],
            )
            for choice in self.choices
        ]

    def changes(self) -> dict[str, dict[str, bool]]:
        """What to store: every channel of every kind, as ticked."""
        changes: dict[str, dict[str, bool]] = {}
        for name, value in self.cleaned_data.items():
            kind, channel = name.split("-")
            changes.setdefault(kind, {})[channel] = value
        return changes
