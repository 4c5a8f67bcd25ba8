from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What uses this key, e.g. “CI deploy”.")
