from django.contrib import admin

from ..organizations.admin import AllOrganizationsAdmin
from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(AllOrganizationsAdmin):
    """Invitations are answered by their invitee; staff can look, search and revoke."""

    list_display = ["email", "organization", "role", "status", "sent_at", "responded_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organization__name"]
    list_select_related = ["organization"]
    fields = ["organization", "email", "role", "status", "invited_by", "sent_at", "responded_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke selected pending invitations")
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(status=Invitation.Status.PENDING).update(status=Invitation.Status.REVOKED)
        self.message_user(request, f"{count} invitation(s) revoked.")
