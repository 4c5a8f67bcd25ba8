from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = __package__
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
