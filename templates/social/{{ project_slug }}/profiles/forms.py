from django import forms

from .models import Profile


class ProfileSettingsForm(forms.ModelForm):
    """The avatar and privacy choices; the display name and bio are on the account's profile form."""

    class Meta:
        model = Profile
        fields = ("avatar", "is_private", "hide_followers")
        help_texts = {
            "avatar": "A JPEG, PNG, GIF or WebP image.",
            "is_private": "Only people you approve may follow you and see your posts. Making the account "
            "public again accepts every pending follow request.",
        }


class DeleteAccountForm(forms.Form):
    """Scheduling one's account for deletion takes the password again (a borrowed, signed-in browser is
    not enough)."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password: your account stays as it is.")
        return password
