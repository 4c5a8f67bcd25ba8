from django import forms
from django.contrib.auth import forms as auth_forms

from .models import User


class UserAdminChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


class UserAdminCreationForm(auth_forms.UserCreationForm):
    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class SignupForm(auth_forms.UserCreationForm):
    """Registration: username, email (unique) and a password checked by the validators."""

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("name", "bio")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}


class PasswordConfirmForm(forms.Form):
    """The signed-in person's password, entered again before something that cannot be undone (deleting an
    account): a borrowed, signed-in browser is not enough. ``refusal`` says what a wrong one changed."""

    refusal = "That is not your password, so nothing was changed."

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
            raise forms.ValidationError(self.refusal)
        return password
