from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView, View

from ..organizations.mixins import OrganizationPermissionMixin
from ..organizations.permissions import Action
from . import webhooks
from .entitlements import usage
from .models import InvalidTransition
from .plans import PLANS, PRO
from .providers import get_provider
from .services import UnknownOrganization, apply_event


class BillingView(OrganizationPermissionMixin, TemplateView):
    """The plan, its limits and usage; owners can upgrade through the provider's checkout."""

    permission = Action.VIEW_PROJECTS
    template_name = "billing/billing.html"

    def get_context_data(self, **kwargs):
        organization = self.request.organization
        return super().get_context_data(
            subscription=organization.subscription,
            usage=usage(organization),
            plans=PLANS.values(),
            billing_configured=get_provider() is not None,
            **kwargs,
        )


class CheckoutView(OrganizationPermissionMixin, View):
    """Send an owner to the provider's hosted checkout for the Pro plan. No charge happens here."""

    permission = Action.MANAGE_BILLING
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
        provider = get_provider()
        if provider is None:
            messages.error(request, "Billing is not configured yet: set BILLING_CHECKOUT_URL.")
            return redirect("billing:overview", org_slug=org_slug)
        return redirect(provider.checkout_url(request.organization, PRO))


@csrf_exempt  # the provider cannot send a CSRF token; the HMAC signature authenticates the request
@require_POST
@transaction.non_atomic_requests
def webhook(request: HttpRequest) -> JsonResponse:
    """Apply a signed provider event (``services.apply_event``); redelivered, stale and unknown events are
    acknowledged with 200 and change nothing. Bad input: 400 (malformed), 403 (signature), 409 (a move the
    state machine forbids: the provider retries)."""
    try:
        webhooks.verify(
            request.body, request.headers.get(webhooks.SIGNATURE_HEADER, ""), settings.BILLING_WEBHOOK_SECRET
        )
        event = webhooks.parse_event(request.body)
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
