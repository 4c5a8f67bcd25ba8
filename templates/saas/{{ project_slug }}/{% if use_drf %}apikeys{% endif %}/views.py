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
                # Post/redirect/get: the new key waits in the session for the one page that shows it, so
                # the form sent twice (a double click) makes one key, and reloading never re-sends it.
                request.session[_session_key(request)] = {"pk": key.pk, "raw": raw}
                return redirect("apikeys:created", org_slug=org_slug)
        status = 400
    context = {
        "keys": ApiKey.objects.select_related("created_by"),
        "form": form,
        "available": has_feature(request.organization, Feature.API_KEYS),
    }
    return render(request, "apikeys/key_list.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def created(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The key just created, in full: shown once, then gone from the session."""
    require(request, Action.MANAGE_API_KEYS)
    new = request.session.pop(_session_key(request), None)
    key = ApiKey.objects.filter(pk=new["pk"]).first() if new else None
    if key is None:
        messages.info(request, "That key was shown once already; revoke it and create another if it is lost.")
        return redirect("apikeys:list", org_slug=org_slug)
    response = render(request, "apikeys/created.html", {"key": key, "raw_key": new["raw"]})
    response["Cache-Control"] = "no-store"
    return response


def _session_key(request: HttpRequest) -> str:
    return f"apikeys:new:{request.organization.pk}"


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
