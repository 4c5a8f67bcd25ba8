"""Organisation-owned models: the manager that obeys the current organisation, and scoped cache keys.

Models owned by an organisation inherit ``OrganizationOwned``: their default manager filters by the
current organisation (``context.py``) and **raises** when there is none, so a query that forgot its tenant
fails loudly instead of returning every tenant's rows.
"""

from django.db import models

from .context import ALL_ORGANIZATIONS, NoCurrentOrganization, _current, current_organization


class OrganizationScopedManager(models.Manager):
    """Rows of the current organisation only; raises ``NoCurrentOrganization`` outside one."""

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        scope = _current.get()
        if scope is ALL_ORGANIZATIONS:
            return queryset
        if scope is None:
            raise NoCurrentOrganization(
                f"{self.model.__name__} belongs to an organisation: query it inside "
                "organization_context(...) (the tenancy middleware does this for /o/<slug>/ URLs)."
            )
        return queryset.filter(organization=scope)

    def none(self) -> models.QuerySet:
        """An empty queryset needs no organisation: it cannot leak (schema generators ask for one)."""
        return super().get_queryset().none()


class OrganizationOwned(models.Model):
    """Base for models with an ``organization`` foreign key: scoped by default, fail closed.

    ``objects`` is the scoped default manager (forms, generic views, related managers use it).
    ``unscoped`` exists for the few places that find the organisation *from* the row, such as an
    invitation token or an API key; each use is deliberate and easy to grep for.
    """

    objects = OrganizationScopedManager()
    unscoped = models.Manager()  # noqa: DJ012  (a manager, not a field)

    class Meta:
        abstract = True


def org_cache_key(name: str, organization_id: int | None = None) -> str:
    """A cache key scoped by organisation, so one tenant's cached data is never served to another."""
    if organization_id is None:
        organization_id = current_organization().pk
    return f"org:{organization_id}:{name}"
