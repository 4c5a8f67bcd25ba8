from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = __package__
    label = "tasks"
    verbose_name = "Tasks"
