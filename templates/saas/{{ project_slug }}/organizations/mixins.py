from django.core.exceptions import PermissionDenied

from .permissions import Action, can


def require(request, action: Action) -> None:
    """For function views under ``/o/<slug>/``: 403 unless the member's role allows ``action``."""
    if request.organization is None:
        raise PermissionDenied("This page belongs to an organisation.")
    if not can(request.org_role, action):
        raise PermissionDenied(f"Your role ({request.org_role}) does not allow this.")


class OrganizationPermissionMixin:
    """For views under ``/o/<slug>/``: the middleware found the membership; this asks the permission
    table whether the member's role allows ``permission`` (403 with the reason otherwise)."""

    permission: Action

    def dispatch(self, request, *args, **kwargs):
        require(request, self.permission)
        return super().dispatch(request, *args, **kwargs)
