from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.views.decorators.http import require_http_methods, require_POST

from ..core import in_place
from ..organizations.exceptions import ActionRefused
from ..organizations.mixins import require
from ..organizations.permissions import Action
from ..organizations.views import MembersView
from . import services
from .forms import InvitationForm
from .models import Invitation

SESSION_KEY = "invitation_token"


@require_POST
def create(request: HttpRequest, org_slug: str) -> HttpResponse:
    require(request, Action.INVITE_MEMBERS)
    form = InvitationForm(request.POST, actor_role=request.org_role)
    if form.is_valid():
        try:
            invitation = services.invite(
                organization=request.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
                actor_role=request.org_role,
            )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("organizations:members", org_slug=org_slug)
    page = MembersView()
    page.setup(request, org_slug=org_slug)
    return render(request, page.template_name, page.get_context_data(invitation_form=form), status=400)


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    require(request, Action.INVITE_MEMBERS)
    return get_object_or_404(Invitation.objects.select_related("organization"), pk=pk)


@require_POST
def resend(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        services.resend(invitation=invitation, actor=request.user, actor_role=request.org_role)
        messages.success(request, f"A new invitation link was sent to {invitation.email}.")
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect("organizations:members", org_slug=org_slug)


@require_POST
def revoke(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        services.revoke(invitation=invitation, actor=request.user, actor_role=request.org_role)
        messages.success(request, f"The invitation to {invitation.email} was revoked.")
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect("organizations:members", org_slug=org_slug)


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email. Signed out: log in or sign up with the invited address, then come back.
    Signed in: accept or decline (only the invited address can)."""
    try:
        invitation = services.find(token)
    except ActionRefused as refused:
        return render(request, "invitations/invalid.html", {"reason": refused.message}, status=400)
    if not request.user.is_authenticated:
        request.session[SESSION_KEY] = token  # the home page offers to come back here after signing up
        return render(
            request,
            "invitations/respond.html",
            {
                "invitation": invitation,
                "login_url": f"{resolve_url(settings.LOGIN_URL)}?next={request.path}",
                "signup_url": resolve_url(settings.SIGNUP_URL),
            },
        )
    if request.method == "POST":
        return _answer(request, token, invitation)
    problem = ""
    try:
        services.check_invitee(invitation, request.user)
    except ActionRefused as refused:
        problem = refused.message
    return render(request, "invitations/respond.html", {"invitation": invitation, "problem": problem})


def _answer(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    """Accept or decline, in place with htmx (the answer fragment) or as a plain form (a redirect)."""
    fragment = "invitations/partials/answer.html"
    try:
        if request.POST.get("answer") == "accept":
            membership = services.accept(token=token, user=request.user)
            request.session.pop(SESSION_KEY, None)
            return in_place.answer(
                request,
                fragment,
                {"invitation": invitation, "membership": membership},
                redirect_to=membership.organization.get_absolute_url(),
                message=f"Welcome to {membership.organization.name}!",
            )
        if request.POST.get("answer") == "decline":
            services.decline(token=token, user=request.user)
            request.session.pop(SESSION_KEY, None)
            return in_place.answer(
                request,
                fragment,
                {"invitation": invitation, "declined": True},
                redirect_to=resolve_url("home"),
                message=f"You declined the invitation to {invitation.organization.name}.",
            )
        raise ActionRefused("Choose accept or decline.")
    except ActionRefused as refused:
        if getattr(request, "htmx", False):  # htmx swaps only a 2xx: the reason replaces the buttons
            return render(request, fragment, {"invitation": invitation, "problem": refused.message})
        return render(request, "invitations/invalid.html", {"reason": refused.message}, status=400)
