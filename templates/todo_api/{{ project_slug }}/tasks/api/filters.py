"""Query-string filters for the task API: https://django-filter.readthedocs.io/en/stable/guide/rest_framework.html"""

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from ...core.api.filters import IdFilter
from ..models import Task


class TaskFilter(django_filters.FilterSet):
    done = django_filters.BooleanFilter(help_text="true: completed tasks only; false: open tasks only.")
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", help_text="Due on or before this date (YYYY-MM-DD)."
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", help_text="Due on or after this date (YYYY-MM-DD)."
    )
    priority = django_filters.TypedMultipleChoiceFilter(
        choices=Task.Priority.choices,
        coerce=int,
        help_text="Priority (repeat for several: ?priority=3&priority=4).",
    )
    list = IdFilter(field_name="task_list", help_text="Id of one of your lists.")
    label = IdFilter(field_name="labels", help_text="Id of one of your labels.")
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="true: open tasks past due.")

    class Meta:
        model = Task
        fields = ("done", "due_before", "due_after", "priority", "list", "label", "overdue")

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if value is None:
            return queryset
        overdue = queryset.filter(done=False, due_date__lt=timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
