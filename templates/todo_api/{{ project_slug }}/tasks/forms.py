"""The HTML task form: https://docs.djangoproject.com/en/5.2/topics/forms/modelforms/"""

from typing import Any

from django import forms

from .models import Task, TaskList


class TaskForm(forms.ModelForm):
    """A new task of ``owner``: its list can only be one of the owner's own lists."""

    class Meta:
        model = Task
        fields = ("title", "due_date", "priority", "task_list")
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"due_date": "Optional."}

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.owner = owner
        self.fields["task_list"].queryset = TaskList.objects.for_user(owner)
        self.fields["task_list"].empty_label = "No list"
