from django.conf import settings
from django.db import models

from ..organizations.scoping import OrganizationOwned


class EventType(models.TextChoices):
    """What an endpoint may subscribe to (``events.py`` emits each one)."""

    PROJECT_CREATED = "project.created", "Project created"
    PROJECT_UPDATED = "project.updated", "Project updated"
    TASK_COMPLETED = "task.completed", "Task completed"
    MEMBER_JOINED = "member.joined", "Member joined"
    MEMBER_LEFT = "member.left", "Member left"
    SUBSCRIPTION_CHANGED = "subscription.changed", "Subscription changed"


#: The "Send test event" button's type: sent to one endpoint whatever it subscribed to.
TEST_EVENT = "webhook.test"


class Endpoint(OrganizationOwned):
    """An HTTPS address of the organisation's own systems, told about the events it subscribed to.

    ``secret`` signs every delivery (HMAC-SHA256, ``signing.py``). It must be readable to sign, so it is
    stored as it is (like the database password, protect the database and its backups); it is shown to
    its creator once, and never again on any page, in the admin or in the API.
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text="The event types sent to this endpoint.")
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "is_active"], name="webhook_endpoint_active")]

    def __str__(self) -> str:
        return self.url

    def get_event_types_display(self) -> list[str]:
        labels = dict(EventType.choices)
        return [labels.get(value, value) for value in self.event_types]


class Delivery(OrganizationOwned):
    """One event for one endpoint: the exact body sent (every attempt sends the same bytes) and where it
    stands. Each attempt is a ``DeliveryAttempt``."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"  # an attempt is under way (claimed by one worker)
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=40)
    payload = models.TextField(help_text="The JSON body, as signed and sent.")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="unique_delivery_per_endpoint")
        ]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.endpoint_id}"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: when, how long, the answer (or the error). Read through its
    delivery, which is scoped to the organisation."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    succeeded = models.BooleanField()
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="unique_attempt_number")]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"
