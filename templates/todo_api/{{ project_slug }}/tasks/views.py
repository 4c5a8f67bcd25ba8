"""The HTML side of the to-do API: a landing page and the signed-in user's API token."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from .models import Task


def home(request: HttpRequest) -> HttpResponse:
    """Explains the API, links the docs and, for a signed-in user, shows their token and task counts."""
    context = {
        "api_root": request.build_absolute_uri("/api/v1/"),
        "login_url": resolve_url(settings.LOGIN_URL),
    }
    if request.user.is_authenticated:
        tasks = Task.objects.for_user(request.user)
        context.update(
            token=Token.objects.filter(user=request.user).first(),
            open_count=tasks.open().count(),
            overdue_count=tasks.overdue().count(),
        )
    return render(request, "tasks/home.html", context)


@login_required
@require_POST
def rotate_token(request: HttpRequest) -> HttpResponse:
    """Create the user's API token, or replace it (the old key stops working at once)."""
    with transaction.atomic():
        replaced = Token.objects.filter(user=request.user).delete()[0] > 0
        Token.objects.create(user=request.user)
    if replaced:
        messages.success(request, "Your API token was replaced; the old one no longer works.")
    else:
        messages.success(request, "Your API token was created.")
    return redirect("tasks:home")
