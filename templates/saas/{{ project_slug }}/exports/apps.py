from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = __package__
    label = "exports"
    verbose_name = "Data exports"
