from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = __package__
    label = "tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from . import signals  # noqa: F401
