from django.contrib import admin

from .models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """People ask for their exports and download them, once; staff see where each stands, never the
    archive."""

    list_display = ["pk", "user", "status", "created_at", "downloaded_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "status", "size", "error", "created_at", "finished_at", "expires_at", "downloaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
