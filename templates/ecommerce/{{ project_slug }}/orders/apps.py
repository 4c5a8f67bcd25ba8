from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = __package__
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # Guest orders join the account that proves their email address (signals.py); card payments by
        # Stripe join the payment providers (stripe_payments.py), with their settings' system check.
        from . import checks, signals, stripe_payments  # noqa: F401
