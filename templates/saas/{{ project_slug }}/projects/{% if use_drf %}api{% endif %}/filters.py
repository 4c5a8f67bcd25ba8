from django_filters import rest_framework as filters

from ...core.api.filters import IdFilter
from ..models import Task


class TaskFilter(filters.FilterSet):
    # Declared, not generated from the model: django-filter would otherwise query the default manager
    # (scoped, so it refuses outside an organisation) when the class is created. ``project`` is a number,
    # not a model choice: the queryset it filters is already the organisation's.
    project = IdFilter(field_name="project_id", help_text="Id of one of the organisation's projects.")
    done = filters.BooleanFilter()

    class Meta:
        model = Task
        fields = ["project", "done"]
