from django import forms

from ..users.forms import PasswordConfirmForm
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


class DeleteAccountForm(PasswordConfirmForm):
    """Scheduling one's account for deletion takes the password again."""

    refusal = "That is not your password, so your account stays as it is."
