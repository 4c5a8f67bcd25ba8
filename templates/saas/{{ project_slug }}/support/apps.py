from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = __package__
    label = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from . import impersonation  # noqa: F401  (connects the audit receivers)
