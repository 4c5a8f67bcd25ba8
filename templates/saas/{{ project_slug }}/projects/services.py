from django.db import transaction

from ..billing.entitlements import check_project_allowed
from ..organizations.models import Organization
from .models import Project


@transaction.atomic
def create_project(*, organization: Organization, created_by, name: str, description: str = "") -> Project:
    """A new project, if the plan allows one more (``PlanLimitReached`` otherwise)."""
    Organization.objects.select_for_update().get(pk=organization.pk)  # serialises concurrent creations
    check_project_allowed(organization)
    return Project.unscoped.create(
        organization=organization, created_by=created_by, name=name.strip(), description=description
    )
