from django.apps import AppConfig


class CartConfig(AppConfig):
    name = __package__
    label = "cart"
    verbose_name = "Carts"

    def ready(self) -> None:
        # Connect the signal receivers (see signals.py): a visitor's cart joins theirs at login, and the
        # tax settings' system check (checks.py).
        from . import checks, signals  # noqa: F401
