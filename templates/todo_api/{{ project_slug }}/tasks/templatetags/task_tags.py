from typing import Any

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from ..models import Task

register = template.Library()


@register.simple_tag
def task_summary(user: Any) -> dict[str, int]:
    """Counts of ``user``'s tasks (open, overdue, done), in one query."""
    return Task.objects.for_user(user).aggregate(
        open=Count("pk", filter=Q(done=False)),
        overdue=Count("pk", filter=Q(done=False, due_date__lt=timezone.localdate())),
        done=Count("pk", filter=Q(done=True)),
    )
