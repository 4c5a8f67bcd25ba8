from django import forms
from django.contrib import admin
from django.db.models import Count

from .context import all_organizations
from .models import Membership, Organization
from .permissions import Role


class AllOrganizationsAdmin(admin.ModelAdmin):
    """Admin for organisation-owned models: platform staff deliberately see every organisation.

    Each admin page runs (and renders) inside ``all_organizations()``; outside it the scoped managers
    refuse to query, as everywhere else.
    """

    def _in_all_organizations(self, view, *args, **kwargs):
        with all_organizations():
            response = view(*args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    def changelist_view(self, request, extra_context=None):
        return self._in_all_organizations(super().changelist_view, request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._in_all_organizations(
            super().changeform_view, request, object_id, form_url, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self._in_all_organizations(super().delete_view, request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self._in_all_organizations(super().history_view, request, object_id, extra_context)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    can_delete = False  # removing members goes through the membership admin, which guards the last owner


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "member_count", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, organization: Organization) -> int:
        return organization.member_count


def _is_last_owner(membership: Membership) -> bool:
    return (
        membership.role == Role.OWNER
        and Membership.objects.filter(organization_id=membership.organization_id).owners().count() <= 1
    )


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organization", "user", "role"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("role") != Role.OWNER and _is_last_owner(self.instance):
            raise forms.ValidationError(
                "This is the organisation's last owner: make someone else an owner first."
            )
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # no bulk delete: each removal is checked for the last owner
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and _is_last_owner(obj):
            return False
        return super().has_delete_permission(request, obj)
