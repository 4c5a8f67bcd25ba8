from django.conf import settings
from django.db import models

from ..organizations.scoping import OrganizationOwned


class Export(OrganizationOwned):
    """An archive of one organisation's data, asked for by an owner, built in the background, kept in
    the private ``exports`` storage (never under ``MEDIA_ROOT``) and downloaded once, before
    ``expires_at``, through a signed link (``services.download_token``).

    The database keeps the rules: at most one export of an organisation is queued or being built at a
    time, and only a ready export can be marked downloaded (which a conditional UPDATE does, once).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_label = models.CharField(max_length=150, help_text="Who asked, as they were called then.")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    file_name = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The archive's name in the exports storage."
    )
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="The archive's size in bytes.")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="The download link works until then.")
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(status__in=["pending", "building"]),
                name="one_export_in_progress",
            ),
            models.CheckConstraint(
                condition=models.Q(downloaded_at__isnull=True) | models.Q(status="ready"),
                name="export_downloaded_only_when_ready",
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.organization_id}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.BUILDING)

    def state(self, now) -> str:
        """What an owner sees: queued, being built, failed, ready, downloaded or expired."""
        if self.status != self.Status.READY:
            return self.get_status_display()
        if self.downloaded_at is not None:
            return "Downloaded"
        if self.expires_at is not None and self.expires_at <= now:
            return "Expired"
        return "Ready"

    def downloadable(self, now) -> bool:
        return self.state(now) == "Ready"
