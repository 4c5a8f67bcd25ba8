from django.conf import settings
from django.db import models

from ..core.archives import SingleUseArchive
from ..organizations.scoping import OrganizationOwned


class Export(OrganizationOwned, SingleUseArchive):
    """An archive of one organisation's data, asked for by an owner, built in the background, kept in
    the private ``exports`` storage (never under ``MEDIA_ROOT``) and downloaded once, before
    ``expires_at``, through a signed link (``services.download_token``).

    The database keeps the rules: at most one export of an organisation is queued or being built at a
    time, and only a ready export can be marked downloaded (which a conditional UPDATE does, once).
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_label = models.CharField(max_length=150, help_text="Who asked, as they were called then.")

    class Meta(SingleUseArchive.Meta):
        ordering = ["-created_at", "-pk"]
        constraints = SingleUseArchive.constraints_for(
            "organization", names=("one_export_in_progress", "export_downloaded_only_when_ready")
        )

    def __str__(self) -> str:
        return f"export {self.pk} of {self.organization_id}"
