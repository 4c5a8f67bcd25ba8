from rest_framework import serializers

from ...core.api.fields import IdField
from ..models import Project, Task


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name", "description", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_name(self, name: str) -> str:
        name = name.strip()
        if not name:
            raise serializers.ValidationError("This field may not be blank.")
        if Project.objects.filter(name__iexact=name).exclude(pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError(f"This organisation already has a project named “{name}”.")
        return name


class OrganizationProjectField(serializers.PrimaryKeyRelatedField):
    """A project of the current organisation only (another organisation's id is "does not exist")."""

    def get_queryset(self):
        return Project.objects.all()


class TaskSerializer(serializers.ModelSerializer):
    # ``queryset`` tells the schema the model; lookups use get_queryset(), which is scoped.
    project = OrganizationProjectField(queryset=Project.unscoped.none(), pk_field=IdField())

    class Meta:
        model = Task
        fields = ["id", "project", "title", "done", "due_date", "created_at"]
        read_only_fields = ["created_at"]
