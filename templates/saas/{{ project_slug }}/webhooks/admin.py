from django.contrib import admin

from ..organizations.admin import AllOrganizationsAdmin
from .models import Delivery, DeliveryAttempt, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(AllOrganizationsAdmin):
    """Endpoints are added by organisation owners and admins (the secret is shown to them once and never
    here); staff can see them, disable them, and read their delivery logs."""

    list_display = ["url", "organization", "is_active", "consecutive_failures", "created_at"]
    list_filter = ["is_active", "created_at"]
    search_fields = ["url", "description", "organization__name"]
    list_select_related = ["organization"]
    fields = [
        "organization",
        "url",
        "description",
        "event_types",
        "is_active",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_by",
        "created_at",
    ]
    readonly_fields = [field for field in fields if field != "is_active"]

    def has_add_permission(self, request) -> bool:
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["number", "started_at", "duration_ms", "succeeded", "response_code", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Delivery)
class DeliveryAdmin(AllOrganizationsAdmin):
    list_display = ["event_type", "event_id", "endpoint", "organization", "status", "attempts", "created_at"]
    list_filter = ["status", "event_type", "created_at"]
    search_fields = ["event_id", "endpoint__url", "organization__name"]
    list_select_related = ["endpoint", "organization"]
    fields = [
        "organization",
        "endpoint",
        "event_id",
        "event_type",
        "status",
        "attempts",
        "response_code",
        "payload",
    ]
    readonly_fields = fields
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False
