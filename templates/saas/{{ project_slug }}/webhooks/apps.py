from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = __package__
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from . import events  # noqa: F401  (connects the receivers that emit events)
