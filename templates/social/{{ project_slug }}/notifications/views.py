"""The notification list, and marking notifications read (these work without JavaScript)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from . import services
from .models import Notification

PER_PAGE = 30


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_recipient(request.user).select_related(
        "last_actor__profile", "post"
    )
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page_obj": page, "notifications": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the signed-in person's notifications read and open what it is about."""
    notification = (
        Notification.objects.for_recipient(request.user).select_related("last_actor").filter(pk=pk).first()
    )
    if notification is None:
        raise Http404("No such notification.")
    services.mark_read(request.user, notification.pk)
    return redirect(notification.get_absolute_url())


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    changed = services.mark_read(request.user)
    messages.success(request, f"Marked {changed} notification{'s' if changed != 1 else ''} read.")
    return redirect("notifications:list")
