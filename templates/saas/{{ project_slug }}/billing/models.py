import math
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .plans import FREE, PLANS, Plan


class InvalidTransition(Exception):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"A subscription cannot go from {current} to {target}.")
        self.message = str(self)


class Subscription(models.Model):
    """The organisation's plan and where its subscription stands; the billing provider moves the state
    through the signed webhook (``webhooks.py``), never the user."""

    class Status(models.TextChoices):
        TRIALING = "trialing", "Trialing"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        CANCELLED = "cancelled", "Cancelled"

    #: The state machine: from each status, the statuses a subscription may move to.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.TRIALING: frozenset({Status.ACTIVE, Status.PAST_DUE, Status.CANCELLED}),
        Status.ACTIVE: frozenset({Status.PAST_DUE, Status.CANCELLED}),
        Status.PAST_DUE: frozenset({Status.ACTIVE, Status.CANCELLED}),
        Status.CANCELLED: frozenset({Status.TRIALING, Status.ACTIVE}),
    }
    #: Statuses in which the paid plan's limits and features apply (past due: for ``BILLING_GRACE_DAYS``).
    PAID_STATUSES = frozenset({Status.TRIALING, Status.ACTIVE, Status.PAST_DUE})

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="subscription"
    )
    plan = models.CharField(max_length=20, choices=[(code, plan.name) for code, plan in PLANS.items()])
    status = models.CharField(max_length=20, choices=Status, default=Status.ACTIVE)
    current_period_end = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(
        max_length=100, blank=True, help_text="The provider's subscription id."
    )
    provider_customer = models.CharField(
        max_length=100, blank=True, help_text="The provider's customer id (its customer portal needs it)."
    )
    past_due_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The provider's time of the event that made the subscription past due: the grace period "
        "(BILLING_GRACE_DAYS) counts from here.",
    )
    trial_ends_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The end of the trial the organisation got when it was created (BILLING_TRIAL_DAYS); the "
        "free plan's limits apply from then on, unless the provider has started a subscription.",
    )
    last_event_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The provider's time of the last event applied: older events change nothing.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_plan_display()} ({self.get_status_display()})"

    @property
    def grace_ends_at(self):
        """When a past-due subscription's paid plan stops applying; ``None`` when not past due."""
        if self.status != self.Status.PAST_DUE or self.past_due_since is None:
            return None
        return self.past_due_since + timedelta(days=settings.BILLING_GRACE_DAYS)

    @property
    def on_trial(self) -> bool:
        """On the trial given at creation (running or ended), with no subscription at the provider yet: the
        provider's first event that sets a status clears ``trial_ends_at``."""
        return self.status == self.Status.TRIALING and self.trial_ends_at is not None

    @property
    def trial_days_left(self) -> int:
        """Days (started ones count) until the trial given at creation ends; 0 once it has, or without one."""
        if not self.on_trial:
            return 0
        return max(0, math.ceil((self.trial_ends_at - timezone.now()) / timedelta(days=1)))

    @property
    def effective_plan(self) -> Plan:
        """The plan whose limits apply now: the paid plan while trialing (the trial given at creation: until
        ``trial_ends_at``), active, or past due within the grace period; the free plan otherwise. Computed
        from the dates, so nothing has to run when a trial or a grace period ends."""
        if self.status not in self.PAID_STATUSES:
            return FREE
        if self.on_trial and timezone.now() >= self.trial_ends_at:
            return FREE
        grace_ends_at = self.grace_ends_at
        if grace_ends_at is not None and timezone.now() >= grace_ends_at:
            return FREE
        return PLANS[self.plan]

    @property
    def is_live_paid(self) -> bool:
        """A paid subscription runs at the provider (even past its grace period): plan changes and
        cancellation go through it, not through a new checkout. A trial given at creation is not one: the
        provider knows nothing of it, and keeping its plan starts at the provider's checkout."""
        return self.status in self.PAID_STATUSES and PLANS[self.plan].is_paid and not self.on_trial

    def can_move_to(self, status: str) -> bool:
        """What ``TRANSITIONS`` allows; and on the free plan (no paid subscription yet, whatever the status),
        a new subscription may start, with a trial or without."""
        if status == self.status or status in self.TRANSITIONS[self.status]:
            return True
        return not PLANS[self.plan].is_paid and status in (self.Status.TRIALING, self.Status.ACTIVE)

    def move_to(self, status: str) -> None:
        """Change the status (not saved); ``InvalidTransition`` if the state machine forbids it."""
        if status not in self.Status.values or not self.can_move_to(status):
            raise InvalidTransition(self.status, status)
        self.status = status


class WebhookEvent(models.Model):
    """Provider events already processed (applied or ignored): a redelivered event changes nothing. The
    unique ``event_id`` makes this hold for two deliveries at the same moment too."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=60)
    created = models.DateTimeField(null=True, help_text="When the provider created the event.")
    outcome = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
