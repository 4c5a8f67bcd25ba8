from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ..posts import timeline_cache
from .models import Block, Follow, FollowRequest, ModerationAction, Mute, Report


class RelationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "created_at")
    date_hierarchy = "created_at"
    list_per_page = 50


@admin.register(Follow)
class FollowAdmin(RelationAdmin):
    list_select_related = ("follower", "followee")
    search_fields = ("follower__username", "followee__username")
    raw_id_fields = ("follower", "followee")


@admin.register(FollowRequest)
class FollowRequestAdmin(RelationAdmin):
    list_select_related = ("requester", "target")
    search_fields = ("requester__username", "target__username")
    raw_id_fields = ("requester", "target")


@admin.register(Block)
class BlockAdmin(RelationAdmin):
    list_select_related = ("blocker", "blocked")
    search_fields = ("blocker__username", "blocked__username")
    raw_id_fields = ("blocker", "blocked")


@admin.register(Mute)
class MuteAdmin(RelationAdmin):
    list_select_related = ("muter", "muted")
    search_fields = ("muter__username", "muted__username")
    raw_id_fields = ("muter", "muted")


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports; the staff decide on them in the moderation queue (``/moderation/``), or here in bulk."""

    list_display = ("created_at", "reporter", "reported_user", "post", "reason", "resolved_at", "decision")
    list_filter = (OpenFilter, "reason", "created_at")
    list_select_related = ("reporter", "reported_user", "post")
    search_fields = ("reporter__username", "reported_user__username", "note", "post__body")
    raw_id_fields = ("reporter", "reported_user", "post", "decision")
    readonly_fields = ("created_at",)
    actions = ("resolve", "deactivate_reported_users")

    @admin.action(description="Mark the selected reports resolved")
    def resolve(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        changed = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(request, f"{changed} report(s) resolved.")

    @admin.action(description="Deactivate the reported people (their posts disappear) and resolve")
    def deactivate_reported_users(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        people = get_user_model().objects.filter(pk__in=queryset.values("reported_user"), is_staff=False)
        count = people.update(is_active=False)
        timeline_cache.changed()  # an update sends no signal: their posts must leave the public timeline now
        queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(request, f"{count} account(s) deactivated.")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The moderation log: read-only, since each row records a decision (a hidden post stays hidden while
    its row exists: deleting the row shows the post again)."""

    list_display = ("created_at", "kind", "person", "post", "moderator", "suspended_until", "reason")
    list_filter = ("kind", "created_at")
    list_select_related = ("person", "moderator", "post")
    search_fields = ("person__username", "moderator__username", "reason")
    raw_id_fields = ("person", "moderator", "post")
    readonly_fields = ("kind", "person", "post", "moderator", "reason", "suspended_until", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
