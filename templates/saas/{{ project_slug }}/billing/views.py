from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView, View

from ..organizations.mixins import OrganizationPermissionMixin
from ..organizations.permissions import Action
from . import stripe_webhooks, webhooks
from .changes import PlanChangeRefused, choose, offers, request_url
from .entitlements import usage
from .models import InvalidTransition
from .providers import BillingUnavailable, get_provider
from .services import UnknownOrganization, apply_event


class BillingView(OrganizationPermissionMixin, TemplateView):
    """The pricing table: every plan with its price and limits, the current one marked, and for owners the
    upgrade, downgrade and cancel actions (``changes.py``)."""

    permission = Action.VIEW_PROJECTS
    template_name = "billing/billing.html"

    def get_context_data(self, **kwargs):
        organization = self.request.organization
        used = usage(organization)
        return super().get_context_data(
            subscription=organization.subscription,
            usage=used,
            offers=offers(organization, used),
            billing_configured=get_provider() is not None,
            **kwargs,
        )


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ChangePlanView(OrganizationPermissionMixin, View):
    """Hand an owner's upgrade, downgrade or cancellation to the provider (its checkout or customer portal).
    Nothing changes here: the provider's signed webhook moves the subscription once it is confirmed. Not
    atomic: a provider's API call (Stripe's) never runs inside a transaction or under a row lock."""

    permission = Action.MANAGE_BILLING
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
        organization = request.organization
        try:
            offer = choose(organization, usage(organization), request.POST.get("plan", ""))
            url = request_url(get_provider(), organization, organization.subscription, offer)
        except (PlanChangeRefused, BillingUnavailable) as refused:
            messages.error(request, refused.message)
            return redirect("billing:overview", org_slug=org_slug)
        return redirect(url)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ManageBillingView(OrganizationPermissionMixin, View):
    """Send an owner to the provider's customer portal (payment method, invoices) while a paid
    subscription runs; a message with the reason otherwise."""

    permission = Action.MANAGE_BILLING
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
        organization = request.organization
        subscription = organization.subscription
        provider = get_provider()
        try:
            if provider is None or not subscription.is_live_paid:
                raise BillingUnavailable("There is no paid subscription to manage.")
            url = provider.manage_url(organization, subscription)
        except BillingUnavailable as refused:
            messages.error(request, refused.message)
            return redirect("billing:overview", org_slug=org_slug)
        return redirect(url)


def _apply(request: HttpRequest, reader, secret: str) -> JsonResponse:
    """Verify, parse and apply one event with ``reader``, a provider's webhook module (its ``verify``,
    ``parse_event`` and ``SIGNATURE_HEADER``); every refusal is a JSON ``detail`` with the reason."""
    try:
        reader.verify(request.body, request.headers.get(reader.SIGNATURE_HEADER, ""), secret)
        event = reader.parse_event(request.body)
        outcome = apply_event(event)
    except webhooks.WebhookError as error:
        return JsonResponse({"detail": error.message}, status=error.status)
    except UnknownOrganization as error:
        return JsonResponse({"detail": error.message}, status=400)
    except InvalidTransition as error:
        return JsonResponse({"detail": error.message}, status=409)
    body = {"status": outcome.detail}
    if outcome.subscription is not None:
        body.update(plan=outcome.subscription.plan, subscription_status=outcome.subscription.status)
    return JsonResponse(body)


@csrf_exempt  # the provider cannot send a CSRF token; the HMAC signature authenticates the request
@require_POST
@transaction.non_atomic_requests
def webhook(request: HttpRequest) -> JsonResponse:
    """Apply a signed provider event (``services.apply_event``); redelivered, stale and unknown events are
    acknowledged with 200 and change nothing. Bad input: 400 (malformed), 403 (signature), 409 (a move the
    state machine forbids: the provider retries)."""
    return _apply(request, webhooks, settings.BILLING_WEBHOOK_SECRET)


@csrf_exempt  # Stripe cannot send a CSRF token; its signature authenticates the request
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Apply a Stripe event (``stripe_webhooks.py``), by the same rules. A bad or stale signature is 400
    with the reason, as Stripe expects."""
    return _apply(request, stripe_webhooks, settings.STRIPE_WEBHOOK_SECRET)
