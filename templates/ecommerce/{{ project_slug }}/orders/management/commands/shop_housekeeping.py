from typing import Any

from django.core.management.base import BaseCommand

from ...housekeeping import cancel_unpaid_orders, delete_abandoned_carts


class Command(BaseCommand):
    help = "Cancel overdue unpaid orders (releasing their stock) and delete abandoned visitor carts."

    def handle(self, *args: Any, **options: Any) -> None:
        orders, carts = cancel_unpaid_orders(), delete_abandoned_carts()
        self.stdout.write(f"Cancelled {orders} unpaid order(s); deleted {carts} abandoned cart(s).")
