from django.contrib import admin

from ..organizations.admin import AllOrganizationsAdmin
from .models import Export


@admin.register(Export)
class ExportAdmin(AllOrganizationsAdmin):
    """Exports are asked for by organisation owners and downloaded by them, once; staff see where each
    stands, never the archive."""

    list_display = ["pk", "organization", "status", "requested_by_label", "created_at", "downloaded_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["organization__name", "requested_by_label"]
    list_select_related = ["organization"]
    fields = [
        "organization",
        "status",
        "requested_by",
        "requested_by_label",
        "size",
        "error",
        "created_at",
        "finished_at",
        "expires_at",
        "downloaded_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
