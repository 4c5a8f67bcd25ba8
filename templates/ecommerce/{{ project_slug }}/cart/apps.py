from django.apps import AppConfig


class CartConfig(AppConfig):
    name = __package__
    label = "cart"
    verbose_name = "Carts"

    def ready(self) -> None:
        # Connect the signal receivers (see signals.py): a visitor's cart joins theirs at login, and the
        # tax settings' system check (checks.py); a customer's own pages renewed by every write of their
        # orders and cart (own_pages.py).
        from . import checks, own_pages, signals  # noqa: F401

        own_pages.connect()
