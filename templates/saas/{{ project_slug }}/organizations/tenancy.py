"""The one answer to "which organisation, and with which role?" for a request."""

from django.http import Http404, HttpRequest

from . import context
from .models import Membership, Organization
from .permissions import allowed_actions

NOT_FOUND = "No organisation here."  # the same answer for "does not exist" and "not yours"


def membership_for(user, slug: str) -> Membership:
    """``user``'s membership of the organisation ``slug``, or 404 — identical when the slug is unknown."""
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    membership = (
        Membership.objects.select_related("organization__subscription")
        .filter(user=user, organization__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404(NOT_FOUND)
    return membership


def enter(request: HttpRequest, organization: Organization, role: str) -> None:
    """Make ``organization`` the request's current one; the middleware resets it after the response."""
    request.organization = organization
    request.org_role = role
    request.org_can = allowed_actions(role)
    context.activate(organization)
