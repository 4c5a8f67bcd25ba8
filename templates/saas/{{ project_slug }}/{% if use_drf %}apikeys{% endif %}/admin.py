from django.contrib import admin
from django.utils import timezone

from ..organizations.admin import AllOrganizationsAdmin
from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(AllOrganizationsAdmin):
    """Keys are created by organisation admins (the secret is shown to them once); staff can revoke."""

    list_display = ["name", "prefix", "organization", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["created_at", "revoked_at"]
    search_fields = ["name", "prefix", "organization__name"]
    list_select_related = ["organization"]
    fields = ["organization", "name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke selected keys")
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} key(s) revoked.")
