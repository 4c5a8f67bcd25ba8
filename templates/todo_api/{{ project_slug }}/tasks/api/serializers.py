import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import serializers

from ...core.api.fields import IdField
from ..models import Label, Task, TaskList


class OwnedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key among the requesting user's own objects: anyone else's id is "not found"."""

    default_error_messages = {
        "does_not_exist": 'You have no {model_name} with id "{pk_value}".',
    }

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return super().get_queryset().for_user(getattr(request, "user", None))

    def fail(self, key: str, **kwargs: Any) -> None:
        kwargs.setdefault("model_name", self.queryset.model._meta.verbose_name)
        super().fail(key, **kwargs)


def unique_name_for_owner(serializer: serializers.ModelSerializer, value: str, label: str) -> str:
    """Names are unique per owner, ignoring case: report a clash as an error on the name field."""
    value = value.strip()
    if not value:
        raise serializers.ValidationError("This field may not be blank.")
    model = serializer.Meta.model
    clashes = model.objects.for_user(serializer.context["request"].user).filter(name__iexact=value)
    if serializer.instance is not None:
        clashes = clashes.exclude(pk=serializer.instance.pk)
    if clashes.exists():
        raise serializers.ValidationError(f"You already have a {label} named “{value}”.")
    return value


class TaskListSerializer(serializers.ModelSerializer):
    open_tasks = serializers.IntegerField(read_only=True, help_text="Number of open tasks in the list.")

    class Meta:
        model = TaskList
        fields = ("id", "name", "color", "open_tasks", "created")
        read_only_fields = ("created",)

    def validate_name(self, value: str) -> str:
        return unique_name_for_owner(self, value, "list")


class LabelSerializer(serializers.ModelSerializer):
    task_count = serializers.IntegerField(read_only=True, help_text="Number of tasks with this label.")

    class Meta:
        model = Label
        fields = ("id", "name", "task_count", "created")
        read_only_fields = ("created",)

    def validate_name(self, value: str) -> str:
        return unique_name_for_owner(self, value, "label")


class TaskSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:task-detail")
    task_list = OwnedPrimaryKeyRelatedField(
        queryset=TaskList.objects.all(), allow_null=True, required=False, help_text="Id of one of your lists."
    )
    labels = OwnedPrimaryKeyRelatedField(
        queryset=Label.objects.all(), many=True, required=False, help_text="Ids of your labels."
    )
    is_overdue = serializers.BooleanField(read_only=True, help_text="Open and past its due date.")

    class Meta:
        model = Task
        fields = (
            "id",
            "url",
            "title",
            "notes",
            "due_date",
            "priority",
            "done",
            "completed_at",
            "is_overdue",
            "task_list",
            "labels",
            "created",
            "updated",
        )
        read_only_fields = ("completed_at", "created", "updated")

    def validate_title(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("The title may not be blank.")
        return value

    def validate_due_date(self, value: datetime.date | None) -> datetime.date | None:
        # A new due date may not be in the past; an existing past date may be kept when editing.
        unchanged = self.instance is not None and value == self.instance.due_date
        if value is not None and not unchanged and value < timezone.localdate():
            raise serializers.ValidationError("The due date cannot be in the past.")
        return value


class BulkCompleteSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=IdField(),
        min_length=1,
        max_length=100,
        help_text="Ids of your tasks to mark done (at most 100).",
    )

    def validate_ids(self, value: list[int]) -> list[int]:
        ids = sorted(set(value))
        owned = set(
            Task.objects.for_user(self.context["request"].user)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        unknown = [pk for pk in ids if pk not in owned]
        if unknown:
            raise serializers.ValidationError(
                f"You have no tasks with these ids: {', '.join(map(str, unknown))}."
            )
        return ids


class BulkCompleteResultSerializer(serializers.Serializer):
    completed = serializers.IntegerField(help_text="How many open tasks were marked done.")
    ids = serializers.ListField(child=serializers.IntegerField(), help_text="The ids that were requested.")
