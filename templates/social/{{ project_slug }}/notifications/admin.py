from django.contrib import admin

from .models import Notification, NotificationActor, NotificationPreference


class ActorInline(admin.TabularInline):
    model = NotificationActor
    extra = 0
    raw_id_fields = ("actor",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "summary", "actor_count", "is_read", "updated_at")
    list_filter = ("kind", "is_read")
    list_select_related = ("recipient", "last_actor")
    search_fields = ("recipient__username",)
    raw_id_fields = ("recipient", "last_actor", "post")
    inlines = (ActorInline,)
    actions = ("mark_read",)

    @admin.action(description="Mark the selected notifications read")
    def mark_read(self, request, queryset) -> None:
        self.message_user(request, f"{queryset.update(is_read=True)} notification(s) marked read.")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "in_app", "email", "updated_at")
    list_filter = ("kind", "in_app", "email")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
