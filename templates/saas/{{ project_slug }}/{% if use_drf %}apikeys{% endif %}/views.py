from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..billing.entitlements import has_feature
from ..billing.plans import Feature
from ..organizations.exceptions import ActionRefused
from ..organizations.mixins import require
from ..organizations.permissions import Action
from . import services
from .forms import ApiKeyForm
from .models import ApiKey


@never_cache
@require_http_methods(["GET", "POST"])
def key_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's keys; POST creates one and shows it in full, this once."""
    require(request, Action.MANAGE_API_KEYS)
    form = ApiKeyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                key, raw = services.create_key(
                    organization=request.organization,
                    name=form.cleaned_data["name"],
                    read_only=form.cleaned_data["access"] == "read",
                    actor=request.user,
                    actor_role=request.org_role,
                )
            except ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                response = render(request, "apikeys/created.html", {"key": key, "raw_key": raw})
                response["Cache-Control"] = "no-store"
                return response
        status = 400
    context = {
        "keys": ApiKey.objects.select_related("created_by"),
        "form": form,
        "available": has_feature(request.organization, Feature.API_KEYS),
    }
    return render(request, "apikeys/key_list.html", context, status=status)


@require_POST
def revoke(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    require(request, Action.MANAGE_API_KEYS)
    key = get_object_or_404(ApiKey.objects.all(), pk=pk)
    try:
        services.revoke_key(key=key, actor=request.user, actor_role=request.org_role)
        messages.success(request, f"{key.name} was revoked; requests with it are refused from now on.")
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect("apikeys:list", org_slug=org_slug)
