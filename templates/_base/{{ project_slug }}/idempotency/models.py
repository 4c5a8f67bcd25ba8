"""One row per state-changing request that may be repeated: a form sent twice, an API call retried."""

from django.db import models


class Submission(models.Model):
    """A claimed request, and once it has finished, the answer every repeat gets.

    ``key`` is unique: the database, not Python, decides which of several identical requests sent at once
    goes through (``middleware.py``). ``status_code`` is empty while the first one is still running.
    """

    key = models.CharField(max_length=64, unique=True)
    fingerprint = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    #: Until when repeats get the recorded answer (``purge_idempotency_keys`` deletes the rows after it).
    expires = models.DateTimeField(db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        state = self.status_code or "in progress"
        return f"{self.key[:12]}… ({state})"
