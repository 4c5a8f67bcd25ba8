from django.views.generic import ListView

from ..organizations.mixins import OrganizationPermissionMixin
from ..organizations.permissions import Action
from .models import AuditEvent


class AuditLogView(OrganizationPermissionMixin, ListView):
    """The organisation's audit log, newest first; owners and admins only."""

    permission = Action.VIEW_AUDIT_LOG
    template_name = "audit/event_list.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        return AuditEvent.objects.all()
