from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import two_factor
from .models import Membership


def organizations(request: HttpRequest) -> dict:
    """The organisation switcher's choices (queried only if a template uses them) and the current
    organisation with what the member may do there."""
    user = getattr(request, "user", None)

    def memberships() -> list[Membership]:
        if user is None or not user.is_authenticated:
            return []
        loaded = getattr(request, "org_memberships", None)  # OrganizationMiddleware's, on /o/<slug>/ pages
        if loaded is not None:
            return loaded
        memberships = Membership.objects.filter(user=user).select_related("organization")
        return list(memberships.order_by("organization__name"))  # one user: no join of users to sort

    return {
        "my_memberships": SimpleLazyObject(memberships),
        "current_organization": getattr(request, "organization", None),
        "org_can": getattr(request, "org_can", frozenset()),
        "two_factor_available": two_factor.available,  # links to the two-factor pages
    }
