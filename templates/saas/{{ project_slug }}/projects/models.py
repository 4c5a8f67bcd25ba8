from django.conf import settings
from django.db import models
from django.urls import reverse

from ..organizations.dashboard_cache import CountedModel, CountedQuerySet
from ..organizations.scoping import OrganizationOwned, OrganizationScopedManager


class Project(CountedModel, OrganizationOwned):
    """The sample domain: an organisation's projects, each with tasks. Scoped by default (fail closed)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Counted on the dashboard: every write renews it (organizations/dashboard_cache.py).
    objects = OrganizationScopedManager.from_queryset(CountedQuerySet)()
    unscoped = models.Manager.from_queryset(CountedQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_project_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"org_slug": self.organization.slug, "pk": self.pk})


class Task(CountedModel, OrganizationOwned):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="tasks"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    done = models.BooleanField(default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Counted on the dashboard: every write renews it (organizations/dashboard_cache.py).
    objects = OrganizationScopedManager.from_queryset(CountedQuerySet)()
    unscoped = models.Manager.from_queryset(CountedQuerySet)()

    class Meta:
        ordering = ["done", "due_date", "pk"]
        indexes = [models.Index(fields=["project", "done"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.organization_id = (
            self.project.organization_id
        )  # a task always lives in its project's organisation
        super().save(*args, **kwargs)
