from django import forms
from django.contrib.auth import get_user_model

from .models import Project, Task


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "description"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        # The scoped manager: "a project of this organisation with this name".
        if Project.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"This organisation already has a project named “{name}”.")
        return name


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "assignee", "due_date", "done"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only members of this organisation can be assigned.
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            memberships__organization=organization
        )
