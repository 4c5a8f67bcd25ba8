from django.contrib import admin

from .models import Subscription, WebhookEvent


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Read-only: the provider's webhook moves subscriptions (a hand edit would drift from the provider)."""

    list_display = ["organization", "plan", "status", "current_period_end", "last_event_at", "updated_at"]
    list_filter = ["plan", "status"]
    search_fields = ["organization__name", "organization__slug", "provider_reference"]
    list_select_related = ["organization"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "created", "outcome", "received_at"]
    list_filter = ["type", "outcome"]
    search_fields = ["event_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
