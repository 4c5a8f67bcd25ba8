import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from ..organizations.permissions import Role
from ..organizations.scoping import OrganizationOwned, OrganizationScopedManager


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(status=Invitation.Status.PENDING)


class Invitation(OrganizationOwned):
    """An invitation by email. The link carries a signed token of ``key``: resending makes a new key
    (older links stop working), and the token expires after ``INVITATION_MAX_AGE``."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = OrganizationScopedManager.from_queryset(InvitationQuerySet)()
    unscoped = models.Manager.from_queryset(InvitationQuerySet)()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization_id} ({self.status})"
