from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    name = __package__
    label = "apikeys"
    verbose_name = "API keys"
