"""The "Your data" page: a person's exports (ask for one, follow it, download it once) and the way to
delete their account (``profiles.views.account_deletion``)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..core import archives
from . import services
from .models import Export

#: Exports listed on the page (the newest).
SHOWN = 10


def _link(export: Export) -> str:
    return reverse("exports:download", args=[services.download_token(export)])


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def your_data(request: HttpRequest) -> HttpResponse:
    """The person's exports and where each stands; POST asks for a new one."""
    status = 200
    if request.method == "POST":
        try:
            services.request_export(request.user)
        except services.ExportRefused as refused:
            messages.error(request, refused.message)
            status = 409
        else:
            messages.success(
                request,
                "Your export is being prepared: it is listed below, with its download link when ready.",
            )
            return redirect("exports:your_data")
    now = timezone.now()
    exports = [
        (export, export.state(now), _link(export) if export.downloadable(now) else None)
        for export in Export.objects.filter(user=request.user)[:SHOWN]
    ]
    context = {
        "exports": exports,
        "in_progress": any(export.in_progress for export, _, _ in exports),
        "link_hours": settings.EXPORTS_LINK_HOURS,
        "grace_days": settings.SOCIAL_DELETION_GRACE_DAYS,
    }
    return render(request, "exports/your_data.html", context, status=status)


@never_cache
@login_required
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    """The archive, once: a tampered link or someone else's is 404; a used or expired one 410, with the
    reason."""
    export = services.export_for_token(token, request.user)
    try:
        archive = services.claim_download(export)
    except services.DownloadRefused as refused:
        return render(request, "exports/refused.html", {"reason": refused.reason}, status=410)
    return archives.zip_response(archive)
