from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = __package__
    label = "notifications"
    verbose_name = "Notifications"
