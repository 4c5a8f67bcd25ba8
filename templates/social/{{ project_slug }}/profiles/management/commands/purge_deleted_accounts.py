"""``python manage.py purge_deleted_accounts``: delete the accounts whose deletion grace period is over.

Run it from cron, hourly (with Celery, beat runs the same task every hour). Idempotent, and safe to run
twice at the same moment (``profiles.deletion.purge`` locks each account's row and skips locked ones).
"""

from django.core.management.base import BaseCommand

from ...deletion import purge_due


class Command(BaseCommand):
    help = "Delete the accounts whose deletion grace period (SOCIAL_DELETION_GRACE_DAYS) is over."

    def handle(self, *args, **options) -> None:
        count = purge_due()
        self.stdout.write(f"{count} account{'' if count == 1 else 's'} deleted.")
