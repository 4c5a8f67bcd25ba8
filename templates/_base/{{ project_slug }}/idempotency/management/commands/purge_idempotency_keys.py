"""Deletes the answers kept for repeated requests once they expire (run it daily, e.g. from cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...models import Submission


class Command(BaseCommand):
    help = "Delete idempotency keys whose answers are no longer replayed."

    def handle(self, *args, **options) -> None:
        deleted, _ = Submission.objects.filter(expires__lt=timezone.now()).delete()
        self.stdout.write(f"Deleted {deleted} expired idempotency key(s).")
