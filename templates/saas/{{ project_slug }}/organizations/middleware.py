"""Tenant resolution for every ``/o/<slug>/…`` URL, in one place."""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from . import context, tenancy, two_factor


def _is_api_view(view_func: Callable) -> bool:
    """DRF views authenticate inside the view (API keys, tokens); they resolve the organisation there,
    after authentication, with the same ``tenancy`` functions (see ``organizations/api.py``)."""
    return hasattr(view_func, "cls") and hasattr(view_func.cls, "authentication_classes")


class OrganizationMiddleware:
    """Resolves ``org_slug`` from the URL, checks membership (404 for strangers and unknown slugs
    alike), sets ``request.organization``/``org_role``/``org_can`` and the current-organisation context
    variable, and clears it after the response. A member of an organisation that requires two-factor
    authentication who has none is sent to set it up (``two_factor.py``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = None
        request.org_role = None
        request.org_can = frozenset()
        token = context.activate(None)
        try:
            return self.get_response(request)
        finally:
            context.reset(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        slug = view_kwargs.get("org_slug")
        if slug is None or _is_api_view(view_func):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # Every membership at once: the sidebar's organisation switcher reuses them (context_processors.py).
        request.org_memberships = tenancy.memberships_of(request.user)
        membership = tenancy.membership_in(request.org_memberships, slug)
        if two_factor.must_set_up(request.user, membership.organization):
            return two_factor.send_to_set_up(request, membership.organization)
        tenancy.enter(request, membership.organization, membership.role)
        if request.session.get("organization") != slug:  # written only on a change, not every request
            request.session["organization"] = slug  # the organisation the home page offers first
        return None
