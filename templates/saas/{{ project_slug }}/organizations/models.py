from django.conf import settings
from django.db import models
from django.urls import reverse

from ..core.slugs import UniqueSlugModel
from .dashboard_cache import CountedModel, CountedQuerySet
from .permissions import Role


class Organization(UniqueSlugModel):
    """A tenant: the account that owns members, projects, a subscription, an audit log and the rest.

    Its slug is made from its name when it is created; two organisations created with one name at the
    same moment get ``acme`` and ``acme-2``, as one after the other would.
    """

    slug_from = "name"
    #: Words that URL patterns beside the organisation's slug need.
    reserved_slugs = frozenset({"new", "switch", "admin", "api"})

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organizations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Members without two-factor authentication are sent to set it up before any of its pages (the
    #: rule: ``two_factor.py``); API keys are not affected.
    require_two_factor = models.BooleanField(
        "require two-factor authentication for members",
        default=False,
        help_text="Members without two-factor authentication set it up before they reach any page.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:dashboard", kwargs={"org_slug": self.slug})


class MembershipQuerySet(CountedQuerySet):  # counted on the dashboard (dashboard_cache.py)
    def owners(self) -> "MembershipQuerySet":
        return self.filter(role=Role.OWNER)


class Membership(CountedModel):  # counted on the dashboard (dashboard_cache.py)
    """A user's place in an organisation, with their role (see ``permissions.py``)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.get_role_display()})"
