from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = __package__
    label = "operations"
    verbose_name = "Operations"
