from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from .models import Label, Task, TaskList


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "task_list", "priority", "due_date", "done", "completed_at")
    list_filter = ("done", "priority", "due_date", "labels")
    search_fields = ("title", "notes", "owner__username", "owner__email")
    list_select_related = ("owner", "task_list")
    raw_id_fields = ("owner", "task_list", "labels")
    readonly_fields = ("completed_at", "created", "updated")
    date_hierarchy = "due_date"
    actions = ("mark_done", "reopen")

    @admin.action(description="Mark selected tasks as done")
    def mark_done(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        count = queryset.complete()
        self.message_user(request, f"{count} task(s) marked as done.", messages.SUCCESS)

    @admin.action(description="Reopen selected tasks")
    def reopen(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        count = queryset.reopen()
        self.message_user(request, f"{count} task(s) reopened.", messages.SUCCESS)


@admin.register(TaskList)
class TaskListAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "color", "open_tasks", "created")
    list_filter = ("color", "created")
    search_fields = ("name", "owner__username", "owner__email")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    actions = ("complete_all_tasks",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TaskList]:
        return super().get_queryset(request).annotate(_open_tasks=Count("tasks", filter=Q(tasks__done=False)))

    @admin.display(description="open tasks", ordering="_open_tasks")
    def open_tasks(self, obj: TaskList) -> int:
        return obj._open_tasks

    @admin.action(description="Mark every task of the selected lists as done")
    def complete_all_tasks(self, request: HttpRequest, queryset: QuerySet[TaskList]) -> None:
        count = Task.objects.filter(task_list__in=queryset).complete()
        self.message_user(request, f"{count} task(s) marked as done.", messages.SUCCESS)


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "task_count", "created")
    search_fields = ("name", "owner__username", "owner__email")
    list_filter = ("created",)
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Label]:
        return super().get_queryset(request).annotate(_task_count=Count("tasks"))

    @admin.display(description="tasks", ordering="_task_count")
    def task_count(self, obj: Label) -> int:
        return obj._task_count
