from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What uses this key, e.g. “CI deploy”.")
    access = forms.ChoiceField(
        choices=[("write", "Read and write (as a member)"), ("read", "Read only")],
        initial="write",
        widget=forms.RadioSelect,
        help_text="A read-only key is refused (403) on anything but reading.",
    )
