from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = __package__
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # Guest orders join the account that proves their email address (signals.py).
        from . import signals  # noqa: F401
