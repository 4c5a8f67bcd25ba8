"""The notification list, marking notifications read (these work without JavaScript), the preferences
page and the one-click unsubscribe link of the emails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import preferences, services
from .forms import PreferencesForm
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


@login_required
@require_http_methods(["GET", "POST"])
def preference_settings(request: HttpRequest) -> HttpResponse:
    """Per kind, whether it shows in the app and whether it is emailed."""
    form = PreferencesForm(request.POST or None, choices=preferences.choices_of(request.user))
    if request.method == "POST" and form.is_valid():  # checkboxes: any answer is valid
        preferences.save(request.user, form.changes())
        messages.success(request, "Your notification choices were saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


#: What a mail client POSTs to a one-click unsubscribe link (RFC 8058, section 3.1).
ONE_CLICK = "One-Click"


# No login and no CSRF token: a mail client's one-click POST carries neither. The signed token in the URL
# is the authorisation, and a GET only asks (mail scanners fetch links; they must not unsubscribe anyone).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind = preferences.read_token(token)
    except preferences.BadToken as error:
        return render(request, "notifications/unsubscribe.html", {"reason": str(error)}, status=400)
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        reason = "This unsubscribe link is for an account that no longer exists."
        return render(request, "notifications/unsubscribe.html", {"reason": reason}, status=404)
    context = {"label": preferences.LABELS[kind], "token": token, "one_click": ONE_CLICK}
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", context)
    if request.POST.get("List-Unsubscribe") != ONE_CLICK:
        reason = "An unsubscribe request must send List-Unsubscribe=One-Click (use the button)."
        return render(request, "notifications/unsubscribe.html", {**context, "reason": reason}, status=400)
    preferences.unsubscribe(person, kind)
    return render(request, "notifications/unsubscribe.html", {**context, "done": True})
