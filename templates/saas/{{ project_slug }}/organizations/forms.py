from django import forms

from ..users.forms import PasswordConfirmForm
from .models import Organization
from .permissions import Role, assignable_roles


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name.")
        return name


class TwoFactorRequirementForm(forms.Form):
    required = forms.BooleanField(
        label="Require two-factor authentication for members",
        required=False,
        help_text="Members without it are sent to set it up before they reach any page of the organisation. "
        "API keys keep working.",
    )


class RoleForm(forms.Form):
    """Only the roles the acting member may give (the permission table decides)."""

    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args, actor_role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in assignable_roles(actor_role)]


class DeleteOrganizationForm(forms.Form):
    """Deleting cannot be undone: the owner types the organisation's slug to confirm."""

    confirm = forms.CharField(label="Type the organisation's address name to confirm", max_length=100)

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["confirm"].help_text = f"Type “{organization.slug}”."

    def clean_confirm(self) -> str:
        confirm = self.cleaned_data["confirm"].strip()
        if confirm != self.organization.slug:
            raise forms.ValidationError(f"Type “{self.organization.slug}” exactly: nothing was deleted.")
        return confirm


class DeleteAccountForm(PasswordConfirmForm):
    """Deleting an account cannot be undone: its user enters their password again."""

    refusal = "That is not your password, so nothing was deleted."
