from django.conf import settings
from django.db import models

from ..core.archives import SingleUseArchive


class Export(SingleUseArchive):
    """An archive of one person's data ("take your data with you"), asked for by them, built in the
    background, kept in the private ``exports`` storage (never under ``MEDIA_ROOT``) and downloaded once,
    by them, before ``expires_at``, through a signed link (``services.download_token``).

    The database keeps the rules: at most one export of a person is queued or being built at a time, and
    only a ready export can be marked downloaded (which a conditional UPDATE does, once:
    ``core.archives.claim``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")

    class Meta(SingleUseArchive.Meta):
        constraints = SingleUseArchive.constraints_for(
            "user", names=("exports_one_in_progress_per_person", "exports_downloaded_only_when_ready")
        )

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id}"
