from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from ..billing.entitlements import meters, usage
from ..core.integrity import UniqueViolationFormMixin
from ..core.page_cache import anonymous_page_cache, signed_in_page_cache
from ..invitations.forms import InvitationForm
from ..invitations.models import Invitation
from ..projects.models import Project, Task
from . import dashboard_cache, services, tenancy, two_factor
from .exceptions import ActionRefused
from .forms import (
    DeleteAccountForm,
    DeleteOrganizationForm,
    OrganizationForm,
    RoleForm,
    TwoFactorRequirementForm,
)
from .mixins import OrganizationPermissionMixin, require
from .models import Membership
from .permissions import Action, assignable_roles, can_manage_member
from .scoping import org_cache_key

STATS_TIMEOUT = 60


@anonymous_page_cache()  # the landing page is the same for every visitor who is not signed in
def home(request: HttpRequest) -> HttpResponse:
    """Signed out: what the product is. Signed in: your organisations, the last one used first."""
    if not request.user.is_authenticated:
        return render(
            request,
            "organizations/landing.html",
            {"login_url": resolve_url(settings.LOGIN_URL), "signup_url": resolve_url(settings.SIGNUP_URL)},
        )
    memberships = Membership.objects.filter(user=request.user).select_related("organization")
    memberships = list(memberships.order_by("organization__name"))  # one user: no join of users to sort
    last = request.session.get("organization")
    memberships.sort(key=lambda membership: membership.organization.slug != last)
    return render(request, "organizations/home.html", {"memberships": memberships})


class OrganizationCreateView(LoginRequiredMixin, UniqueViolationFormMixin, FormView):
    """A new organisation; its address (slug) is made from its name (see ``Organization``)."""

    form_class = OrganizationForm
    template_name = "organizations/organization_form.html"

    def form_valid(self, form: OrganizationForm) -> HttpResponse:
        organization = services.create_organization(name=form.cleaned_data["name"], owner=self.request.user)
        messages.success(self.request, f"{organization.name} is ready. Invite your team from Members.")
        return redirect(organization)


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Switch the current organisation: only to one you belong to (404 otherwise, as everywhere)."""
    slug = request.POST.get("organization", "")
    membership = tenancy.membership_for(request.user, slug)
    request.session["organization"] = slug
    return redirect(membership.organization)


def project_stats() -> dict[str, int]:
    """Counts for the dashboard, cached under a key scoped by organisation (cleared by every write to
    projects and tasks: ``dashboard_cache.renew``)."""

    def compute() -> dict[str, int]:
        tasks = Task.objects.aggregate(total=Count("pk"), open=Count("pk", filter=Q(done=False)))
        return {"projects": Project.objects.count(), "tasks": tasks["total"], "open_tasks": tasks["open"]}

    return cache.get_or_set(org_cache_key("project-stats"), compute, STATS_TIMEOUT)


# Kept per session (core/page_cache.py) until the organisation's data changes: dashboard_cache.py says how
# no change is missed (the middleware's rows in the key, a version renewed by every write, the clock).
@method_decorator(
    signed_in_page_cache(
        dashboard_cache.group_of,
        scope=dashboard_cache.scope,
        timeout=dashboard_cache.seconds_until_an_invitation_expires,
    ),
    name="get",
)
class DashboardView(OrganizationPermissionMixin, TemplateView):
    permission = Action.VIEW_PROJECTS
    template_name = "organizations/dashboard.html"

    def get_context_data(self, **kwargs):
        organization = self.request.organization
        used = usage(organization)
        return super().get_context_data(
            stats=project_stats(),
            subscription=organization.subscription,
            usage=used,
            meters=meters(used),
            recent_projects=Project.objects.order_by("-updated_at")[:5],
            **kwargs,
        )


class MembersView(OrganizationPermissionMixin, TemplateView):
    """Members with their roles, pending invitations and the invitation form."""

    permission = Action.VIEW_PROJECTS
    template_name = "organizations/members.html"

    def get_context_data(self, **kwargs):
        organization = self.request.organization
        role = self.request.org_role
        memberships = organization.memberships.select_related("user").order_by("user__username")
        rows = [
            {
                "membership": membership,
                "manageable": can_manage_member(role, membership.role)
                and membership.user_id != self.request.user.pk,
            }
            for membership in memberships
        ]
        return super().get_context_data(
            rows=rows,
            role_choices=[(choice.value, choice.label) for choice in assignable_roles(role)],
            invitations=Invitation.objects.pending().select_related("invited_by"),
            invitation_form=kwargs.pop("invitation_form", None) or InvitationForm(actor_role=role),
            usage=usage(organization),
            **kwargs,
        )


def _membership(request: HttpRequest, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organization=request.organization
    )


@require_POST
def change_role(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    require(request, Action.MANAGE_MEMBERS)
    form = RoleForm(request.POST, actor_role=request.org_role)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles offered.")
    else:
        try:
            services.change_role(
                actor=request.user,
                actor_role=request.org_role,
                membership=membership,
                role=form.cleaned_data["role"],
            )
            messages.success(request, f"{membership.user} is now {membership.get_role_display().lower()}.")
        except ActionRefused as refused:
            messages.error(request, refused.message)
    return redirect("organizations:members", org_slug=org_slug)


@require_POST
def remove_member(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    leaving = membership.user_id == request.user.pk
    if not leaving:
        require(request, Action.MANAGE_MEMBERS)
    try:
        services.remove_member(actor=request.user, actor_role=request.org_role, membership=membership)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("organizations:members", org_slug=org_slug)
    if leaving:
        messages.success(request, f"You left {request.organization}.")
        request.session.pop("organization", None)
        return redirect("home")
    messages.success(request, f"{membership.user} was removed.")
    return redirect("organizations:members", org_slug=org_slug)


class SettingsView(OrganizationPermissionMixin, FormView):
    permission = Action.MANAGE_SETTINGS
    form_class = OrganizationForm
    template_name = "organizations/settings.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.request.organization}

    def get_context_data(self, **kwargs):
        organization = self.request.organization
        return super().get_context_data(
            two_factor_form=TwoFactorRequirementForm(initial={"required": organization.require_two_factor}),
            two_factor_unavailable=two_factor.UNAVAILABLE,
            has_two_factor=two_factor.has_two_factor(self.request.user),
            **kwargs,
        )

    def form_valid(self, form: OrganizationForm) -> HttpResponse:
        organization = self.request.organization
        organization.refresh_from_db(fields=["name"])  # the form wrote the new name onto the instance
        services.rename_organization(
            actor=self.request.user,
            actor_role=self.request.org_role,
            organization=organization,
            name=form.cleaned_data["name"],
        )
        messages.success(self.request, "Settings saved.")
        return redirect(reverse("organizations:settings", kwargs={"org_slug": organization.slug}))


@require_POST
def two_factor_requirement(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Owners and admins require two-factor authentication of every member, or stop requiring it."""
    require(request, Action.MANAGE_SETTINGS)
    form = TwoFactorRequirementForm(request.POST)
    form.is_valid()  # a checkbox: anything but a ticked box means "off"
    required = form.cleaned_data.get("required", False)
    try:
        services.set_two_factor_requirement(
            actor=request.user,
            actor_role=request.org_role,
            organization=request.organization,
            required=required,
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            "Members now need two-factor authentication."
            if required
            else "Two-factor authentication is no longer required.",
        )
    return redirect("organizations:settings", org_slug=org_slug)


class DeleteOrganizationView(OrganizationPermissionMixin, FormView):
    """Owners delete the organisation after typing its slug; what goes with it is listed first."""

    permission = Action.DELETE_ORGANIZATION
    form_class = DeleteOrganizationForm
    template_name = "organizations/organization_confirm_delete.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "usage": usage(self.request.organization)}

    def form_valid(self, form: DeleteOrganizationForm) -> HttpResponse:
        organization = self.request.organization
        try:
            services.delete_organization(
                actor=self.request.user, actor_role=self.request.org_role, organization=organization
            )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        self.request.session.pop("organization", None)
        messages.success(self.request, f"{organization.name} was deleted, with everything it held.")
        return redirect("home")


class DeleteAccountView(LoginRequiredMixin, FormView):
    """A user deletes their own account after entering their password; what happens to each of their
    organisations (``services.review_account_deletion``) is listed first."""

    form_class = DeleteAccountForm
    template_name = "organizations/account_confirm_delete.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        review = services.review_account_deletion(self.request.user)
        return {**super().get_context_data(**kwargs), "review": review}

    def form_valid(self, form: DeleteAccountForm) -> HttpResponse:
        try:
            services.delete_account(user=self.request.user)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        logout(self.request)
        messages.success(self.request, "Your account was deleted.")
        return redirect("home")
