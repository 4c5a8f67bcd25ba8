"""The one answer to "which organisation, and with which role?" for a request."""

from django.db.models import CharField
from django.http import Http404, HttpRequest

from ..core.statements import Slot, kept
from . import context
from .models import Membership, Organization
from .permissions import allowed_actions

NOT_FOUND = "No organisation here."  # the same answer for "does not exist" and "not yours"


def _memberships():
    """A member's memberships with their organisations and subscriptions (``user`` given at each read)."""
    return Membership.objects.filter(user_id=Slot("user")).select_related("organization__subscription")


def memberships_of(user) -> list[Membership]:
    """All of ``user``'s memberships with their organisations (and subscriptions), in one query: the
    organisation switcher's choices, and the current one among them (``membership_in``). Read on every
    organisation page, so its SQL is compiled once per process (``core.statements``)."""
    statement = kept(  # one user: no join of users to sort by name
        Membership, ("memberships of",), lambda: _memberships().order_by("organization__name")
    )
    return statement.rows(user=user.pk)


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
    # Every API call reads it: compiled once per process (``core.statements``). One row at most
    # (unique_membership), so no ORDER BY (which would join users).
    statement = kept(
        Membership,
        ("membership in",),
        lambda: _memberships().filter(organization__slug=Slot("slug", CharField())).order_by(),
    )
    found = statement.rows(user=user.pk, slug=slug)
    if not found:
        raise Http404(NOT_FOUND)
    return found[0]


def enter(request: HttpRequest, organization: Organization, role: str) -> None:
    """Make ``organization`` the request's current one; the middleware resets it after the response."""
    request.organization = organization
    request.org_role = role
    request.org_can = allowed_actions(role)
    context.activate(organization)
