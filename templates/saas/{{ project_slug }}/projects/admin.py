from django.contrib import admin

from ..organizations.admin import AllOrganizationsAdmin
from .models import Project, Task


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["title", "assignee", "due_date", "done"]
    raw_id_fields = ["assignee"]


@admin.register(Project)
class ProjectAdmin(AllOrganizationsAdmin):
    list_display = ["name", "organization", "created_by", "updated_at"]
    list_filter = ["organization", "created_at"]
    search_fields = ["name", "description", "organization__name"]
    list_select_related = ["organization", "created_by"]
    raw_id_fields = ["created_by"]
    inlines = [TaskInline]


@admin.register(Task)
class TaskAdmin(AllOrganizationsAdmin):
    list_display = ["title", "project", "organization", "assignee", "due_date", "done"]
    list_filter = ["done", "organization"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project", "organization", "assignee"]
    raw_id_fields = ["project", "assignee"]
    readonly_fields = ["organization"]
    actions = ["mark_done"]

    @admin.action(description="Mark selected tasks done")
    def mark_done(self, request, queryset) -> None:
        count = queryset.update(done=True)
        self.message_user(request, f"{count} task(s) marked done.")
