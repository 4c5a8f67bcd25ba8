from django.conf import settings
from django.db import models

from ..organizations.scoping import OrganizationOwned, OrganizationScopedManager


class AppendOnlyError(RuntimeError):
    """Audit events are facts: they are never edited or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(OrganizationOwned):
    """Who did what in which organisation, when and from where. Append-only: refused here in Python,
    and by the database itself (triggers in migration ``0002``)."""

    class Action(models.TextChoices):
        ORGANIZATION_CREATED = "organization.created", "Organisation created"
        SETTINGS_CHANGED = "settings.changed", "Settings changed"
        MEMBER_ADDED = "member.added", "Member added"
        MEMBER_REMOVED = "member.removed", "Member removed"
        MEMBER_LEFT = "member.left", "Member left"
        ROLE_CHANGED = "member.role_changed", "Role changed"
        INVITATION_SENT = "invitation.sent", "Invitation sent"
        INVITATION_RESENT = "invitation.resent", "Invitation resent"
        INVITATION_REVOKED = "invitation.revoked", "Invitation revoked"
        INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted"
        INVITATION_DECLINED = "invitation.declined", "Invitation declined"
        API_KEY_CREATED = "api_key.created", "API key created"
        API_KEY_REVOKED = "api_key.revoked", "API key revoked"
        PLAN_CHANGED = "plan.changed", "Plan or subscription changed"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="Who acted, as they were called at the time.")
    action = models.CharField(max_length=40, choices=Action)
    summary = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = OrganizationScopedManager.from_queryset(AuditEventQuerySet)()
    unscoped = models.Manager.from_queryset(AuditEventQuerySet)()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
