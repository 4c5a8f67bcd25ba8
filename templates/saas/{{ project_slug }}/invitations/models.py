import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from ..organizations.dashboard_cache import CountedModel, CountedQuerySet
from ..organizations.permissions import Role
from ..organizations.scoping import OrganizationOwned, OrganizationScopedManager


def expiry_cutoff():
    """Invitations sent before this moment have expired (``INVITATION_MAX_AGE`` seconds)."""
    return timezone.now() - timedelta(seconds=settings.INVITATION_MAX_AGE)


class InvitationQuerySet(CountedQuerySet):  # counted on the dashboard (dashboard_cache.py)
    def pending(self) -> "InvitationQuerySet":
        """Pending and not expired: these hold a seat and can be answered."""
        return self.filter(status=Invitation.Status.PENDING, sent_at__gte=expiry_cutoff())

    def stale(self) -> "InvitationQuerySet":
        return self.filter(status=Invitation.Status.PENDING, sent_at__lt=expiry_cutoff())

    def expire_stale(self) -> int:
        """Mark expired invitations as such: they free their seat, their address can be invited again."""
        return self.stale().update(status=Invitation.Status.EXPIRED, responded_at=timezone.now())


class Invitation(CountedModel, OrganizationOwned):
    """An invitation by email. The link carries a signed token of ``key``: resending makes a new key
    (older links stop working), and the token expires after ``INVITATION_MAX_AGE``."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role, default=Role.MEMBER)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
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
