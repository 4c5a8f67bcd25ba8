from django.core.management.base import BaseCommand

from ...seats import reconcile_seats


class Command(BaseCommand):
    help = "Send every live paid subscription's member count to the billing provider again (run daily)."

    def handle(self, *args, **options) -> None:
        changed = reconcile_seats()
        self.stdout.write(f"Seat quantities changed: {', '.join(changed) if changed else 'none'}.")
