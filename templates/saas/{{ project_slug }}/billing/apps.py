from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = __package__
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the settings checks)
