from django.apps import AppConfig


class PwaConfig(AppConfig):
    name = __package__
    label = "pwa"
    verbose_name = "Installable web app"
