from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import ListView, TemplateView
from hijack import views as hijack_views

from ..billing.plans import CURRENCY_SYMBOL
from . import dashboard
from .impersonation import refusal


def _staff_gate(request: HttpRequest) -> HttpResponse | None:
    """Staff pages: sign in first; anyone signed in who is not staff gets 404 (the pages do not exist
    for them)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (request.user.is_active and request.user.is_staff):
        raise Http404
    return None


class StaffRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        return _staff_gate(request) or super().dispatch(request, *args, **kwargs)


class DashboardView(StaffRequiredMixin, TemplateView):
    """Signups, active organisations, organisations per plan and MRR (``dashboard.py``): a constant
    number of queries."""

    template_name = "support/dashboard.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        months = dashboard.last_months(timezone.localdate(now))
        organizations = dashboard.organizations_per_plan(now)
        total = sum(row.organizations for row in organizations)
        active = dashboard.active_organizations(now)
        user_signups = dashboard.user_signups(months)
        organization_signups = dashboard.organization_signups(months)
        return super().get_context_data(
            **kwargs,
            signups=list(zip(user_signups, organization_signups, strict=True)),
            organizations=organizations,
            total_organizations=total,
            active_organizations=active,
            active_percent=round(100 * active / total) if total else 0,
            active_days=dashboard.ACTIVE_DAYS,
            revenue=dashboard.monthly_recurring_revenue(months, now),
            currency=CURRENCY_SYMBOL,
        )


class UserListView(StaffRequiredMixin, ListView):
    """Find a user (username, email or name) to impersonate: the newest first."""

    template_name = "support/user_list.html"
    context_object_name = "people"
    paginate_by = 25

    def get_queryset(self):
        people = get_user_model()._default_manager.annotate(organization_count=Count("memberships"))
        query = self.request.GET.get("q", "").strip()[:150]
        if query:
            people = people.filter(
                Q(username__icontains=query) | Q(email__icontains=query) | Q(name__icontains=query)
            )
        return people.order_by("-date_joined", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:150]
        for person in context["people"]:
            person.impersonation_refusal = refusal(self.request.user, person)
        return {**context, "query": query, "query_string": urlencode({"q": query}) if query else ""}


class StartImpersonationView(hijack_views.AcquireUserView):
    """django-hijack's acquire view, with the user in the URL: POST only, staff only, and the rule of
    ``impersonation.can_impersonate`` (refused with the reason, 403)."""

    def dispatch(self, request, *args, **kwargs):
        # The staff gate, then hijack's own chain without its check of a ``user_pk`` field.
        return _staff_gate(request) or super(hijack_views.AcquireUserView, self).dispatch(
            request, *args, **kwargs
        )

    def get_object(self, queryset=None):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def handle_no_permission(self):
        reason = refusal(self.request.user, self.get_object())
        return TemplateResponse(self.request, "support/refused.html", {"reason": reason}, status=403)


class StopImpersonationView(hijack_views.ReleaseUserView):
    """django-hijack's release view: back to the staff member's own account (the banner's button)."""

    success_url = reverse_lazy("support:users")
