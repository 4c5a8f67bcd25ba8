from django.contrib import admin

from ..organizations.admin import AllOrganizationsAdmin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(AllOrganizationsAdmin):
    """Read-only: audit events are never added, edited or deleted by hand."""

    list_display = ["created_at", "organization", "actor_label", "action", "summary", "ip_address"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_label", "summary", "organization__name", "request_id"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
