from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..core import archives
from ..organizations.exceptions import ActionRefused
from ..organizations.mixins import require
from ..organizations.permissions import Action
from . import services
from .models import Export


def _link(org_slug: str, export: Export) -> str:
    return reverse("exports:download", args=[org_slug, services.download_token(export)])


@never_cache
@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's exports and where each stands; POST asks for a new one."""
    require(request, Action.EXPORT_DATA)
    status = 200
    if request.method == "POST":
        try:
            services.request_export(
                organization=request.organization, actor=request.user, actor_role=request.org_role
            )
        except ActionRefused as refused:
            messages.error(request, refused.message)
            status = 409
        else:
            messages.success(
                request,
                "Your export is being prepared: it is listed below, with its download link when ready.",
            )
            return redirect("exports:list", org_slug=org_slug)
    now = timezone.now()
    exports = [
        (export, export.state(now), _link(org_slug, export) if export.downloadable(now) else None)
        for export in Export.objects.all()[:20]
    ]
    context = {
        "exports": exports,
        "in_progress": any(export.in_progress for export, _, _ in exports),
        "link_hours": settings.EXPORTS_LINK_HOURS,
    }
    return render(request, "exports/export_list.html", context, status=status)


@never_cache
@require_GET
def download(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """The archive, once: a tampered link or another organisation's is 404; a used or expired one 410,
    with the reason."""
    require(request, Action.EXPORT_DATA)
    export = services.export_for_token(token, request.organization)
    try:
        archive = services.claim_download(export, actor=request.user)
    except services.DownloadRefused as refused:
        return render(request, "exports/refused.html", {"reason": refused.reason}, status=410)
    return archives.zip_response(archive)
