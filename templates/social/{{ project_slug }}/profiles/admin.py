from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "is_private", "hide_followers", "suspended_at", "suspended_until")
    list_filter = ("is_private", "hide_followers")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__name", "user__email")
    raw_id_fields = ("user",)
