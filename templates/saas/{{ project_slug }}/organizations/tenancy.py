"""The one answer to "which organisation, and with which role?" for a request."""

from django.http import Http404, HttpRequest

from . import context
from .models import Membership, Organization
from .permissions import allowed_actions

NOT_FOUND = "No organisation here."  # the same answer for "does not exist" and "not yours"


def memberships_of(user) -> list[Membership]:
    """All of ``user``'s memberships with their organisations (and subscriptions), in one query: the
    organisation switcher's choices, and the current one among them (``membership_in``)."""
    memberships = Membership.objects.filter(user=user).select_related("organization__subscription")
    return list(memberships.order_by("organization__name"))  # one user: no join of users to sort by name


def membership_in(memberships: list[Membership], slug: str) -> Membership:
    """The membership of the organisation ``slug`` among ``memberships``, or 404 as ``membership_for``."""
    for membership in memberships:
        if membership.organization.slug == slug:
            return membership
    raise Http404(NOT_FOUND)


def membership_for(user, slug: str) -> Membership:
    """``user``'s membership of the organisation ``slug``, or 404 — identical when the slug is unknown."""
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    memberships = Membership.objects.select_related("organization__subscription")
    try:  # one row at most (unique_membership); get() adds no ORDER BY (which joined users)
        return memberships.get(user=user, organization__slug=slug)
    except Membership.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def enter(request: HttpRequest, organization: Organization, role: str) -> None:
    """Make ``organization`` the request's current one; the middleware resets it after the response."""
    request.organization = organization
    request.org_role = role
    request.org_can = allowed_actions(role)
    context.activate(organization)
