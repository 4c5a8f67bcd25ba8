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
