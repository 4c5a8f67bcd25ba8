from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..core import in_place
from ..organizations.exceptions import ActionRefused
from ..organizations.mixins import require
from ..organizations.permissions import Action
from . import services
from .forms import EndpointForm
from .models import Delivery, Endpoint
from .signing import SIGNATURE_HEADER


@never_cache
@require_http_methods(["GET", "POST"])
def endpoint_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's endpoints; POST adds one and shows its signing secret, this once."""
    require(request, Action.MANAGE_WEBHOOKS)
    form = EndpointForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint, secret = services.create_endpoint(
                    organization=request.organization,
                    url=form.cleaned_data["url"],
                    event_types=form.cleaned_data["event_types"],
                    description=form.cleaned_data["description"],
                    actor=request.user,
                    actor_role=request.org_role,
                )
            except ActionRefused as refused:
                form.add_error("url", refused.message)
            else:
                # As for API keys: the secret waits in the session for the one page that shows it.
                request.session[_session_key(request)] = {"pk": endpoint.pk, "secret": secret}
                return redirect("webhooks:created", org_slug=org_slug)
        status = 400
    endpoints = Endpoint.objects.all()
    return render(
        request, "webhooks/endpoint_list.html", {"endpoints": endpoints, "form": form}, status=status
    )


def _session_key(request: HttpRequest) -> str:
    return f"webhooks:new:{request.organization.pk}"


@never_cache
@require_http_methods(["GET"])
def created(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The new endpoint's signing secret: shown once, then gone from the session."""
    require(request, Action.MANAGE_WEBHOOKS)
    new = request.session.pop(_session_key(request), None)
    endpoint = Endpoint.objects.filter(pk=new["pk"]).first() if new else None
    if endpoint is None:
        messages.info(
            request, "That secret was shown once already; delete the endpoint and add it again if it is lost."
        )
        return redirect("webhooks:list", org_slug=org_slug)
    context = {"endpoint": endpoint, "secret": new["secret"], "signature_header": SIGNATURE_HEADER}
    response = render(request, "webhooks/created.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def endpoint_detail(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    """The endpoint and its delivery log, newest first: each delivery's attempts, answers and timings."""
    require(request, Action.MANAGE_WEBHOOKS)
    endpoint = get_object_or_404(Endpoint.objects.all(), pk=pk)
    deliveries = Delivery.objects.filter(endpoint=endpoint).prefetch_related("attempt_log")
    page = Paginator(deliveries, 20).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint,
        "deliveries": page.object_list,
        "page_obj": page,
        "is_paginated": page.has_other_pages(),
        "test_delivery": None,
    }
    return render(request, "webhooks/endpoint_detail.html", context)


@transaction.non_atomic_requests  # the delivery is committed before it is sent (or queued)
@require_POST
def send_test(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    """Send a ``webhook.test`` event now; in place, the answer shows how it went."""
    require(request, Action.MANAGE_WEBHOOKS)
    endpoint = get_object_or_404(Endpoint.objects.all(), pk=pk)
    delivery = services.send_test_event(endpoint=endpoint, actor=request.user, actor_role=request.org_role)
    return in_place.answer(
        request,
        "webhooks/partials/test_result.html",
        {"endpoint": endpoint, "test_delivery": delivery},
        redirect_to=endpoint_url(endpoint),
        message=_describe(delivery),
    )


def _describe(delivery: Delivery) -> str:
    if delivery.status == Delivery.Status.SUCCEEDED:
        return f"Test event delivered (answer {delivery.response_code})."
    if delivery.status == Delivery.Status.FAILED:
        return "Test event not delivered: see the delivery log."
    return "Test event queued: it appears in the delivery log once sent."


def endpoint_url(endpoint: Endpoint) -> str:
    return reverse("webhooks:detail", kwargs={"org_slug": endpoint.organization.slug, "pk": endpoint.pk})


@require_POST
def enable(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    require(request, Action.MANAGE_WEBHOOKS)
    endpoint = get_object_or_404(Endpoint.objects.all(), pk=pk)
    try:
        services.enable_endpoint(endpoint=endpoint, actor=request.user, actor_role=request.org_role)
        messages.success(request, "The endpoint is enabled again: the next events go to it.")
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect(endpoint_url(endpoint))


@require_POST
def delete(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    require(request, Action.MANAGE_WEBHOOKS)
    endpoint = get_object_or_404(Endpoint.objects.all(), pk=pk)
    services.delete_endpoint(endpoint=endpoint, actor=request.user, actor_role=request.org_role)
    messages.success(request, f"{endpoint.url} removed; it receives nothing from now on.")
    return redirect("webhooks:list", org_slug=org_slug)
