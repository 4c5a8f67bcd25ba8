"""Deletes the answers kept for repeated requests once they expire (run it daily, e.g. from cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...middleware import KEY_TTL
from ...models import Submission


class Command(BaseCommand):
    help = "Delete idempotency keys older than the time they are replayed for (24 hours)."

    def handle(self, *args, **options) -> None:
        deleted, _ = Submission.objects.filter(created__lt=timezone.now() - KEY_TTL).delete()
        self.stdout.write(f"Deleted {deleted} expired idempotency key(s).")
