"""The export archive: one organisation's rows, as ``export.json`` (everything, nested by table) and one
CSV file per table, in a ZIP file.

Every query names the organisation (the scoped managers inside ``organization_context``, or an explicit
filter), so nothing of another organisation can be read. Secrets stay out: invitation keys, API keys and
webhook signing secrets are never exported.
"""

from typing import IO, Any

from ..audit.models import AuditEvent
from ..billing.models import Subscription
from ..core.archives import write_zip
from ..invitations.models import Invitation
from ..organizations.context import organization_context
from ..organizations.models import Membership, Organization
from ..projects.models import Project, Task
from ..webhooks.models import Endpoint

#: Table name -> its columns, in the order of the CSV files.
COLUMNS: dict[str, list[str]] = {
    "organization": ["id", "name", "slug", "created_at", "require_two_factor"],
    "members": ["name", "username", "email", "role", "joined_at"],
    "invitations": ["email", "role", "status", "invited_by", "created_at", "sent_at", "responded_at"],
    "projects": ["id", "name", "description", "created_by", "created_at", "updated_at"],
    "tasks": ["id", "project_id", "project", "title", "done", "assignee", "due_date", "created_at"],
    "audit_log": ["created_at", "actor", "action", "summary", "ip_address", "request_id"],
    "webhook_endpoints": ["id", "url", "description", "event_types", "is_active", "created_at"],
    "subscription": ["plan", "status", "current_period_end", "trial_ends_at", "past_due_since"],
}


def _name(user) -> str:
    return "" if user is None else str(user)


def collect(organization: Organization) -> dict[str, list[dict[str, Any]]]:
    """Every exported table of ``organization``: a list of rows (dicts keyed by ``COLUMNS``)."""
    with organization_context(organization):
        memberships = Membership.objects.filter(organization=organization).select_related("user")
        subscription = Subscription.objects.filter(organization=organization).first()
        return {
            "organization": [
                {
                    "id": organization.pk,
                    "name": organization.name,
                    "slug": organization.slug,
                    "created_at": organization.created_at,
                    "require_two_factor": organization.require_two_factor,
                }
            ],
            "members": [
                {
                    "name": membership.user.display_name,
                    "username": membership.user.get_username(),
                    "email": membership.user.email,
                    "role": membership.role,
                    "joined_at": membership.created_at,
                }
                for membership in memberships.order_by("created_at", "pk")
            ],
            "invitations": [
                {
                    "email": invitation.email,
                    "role": invitation.role,
                    "status": invitation.status,
                    "invited_by": _name(invitation.invited_by),
                    "created_at": invitation.created_at,
                    "sent_at": invitation.sent_at,
                    "responded_at": invitation.responded_at,
                }
                for invitation in Invitation.objects.select_related("invited_by").order_by("created_at", "pk")
            ],
            "projects": [
                {
                    "id": project.pk,
                    "name": project.name,
                    "description": project.description,
                    "created_by": _name(project.created_by),
                    "created_at": project.created_at,
                    "updated_at": project.updated_at,
                }
                for project in Project.objects.select_related("created_by").order_by("pk")
            ],
            "tasks": [
                {
                    "id": task.pk,
                    "project_id": task.project_id,
                    "project": task.project.name,
                    "title": task.title,
                    "done": task.done,
                    "assignee": _name(task.assignee),
                    "due_date": task.due_date,
                    "created_at": task.created_at,
                }
                for task in Task.objects.select_related("project", "assignee").order_by("project_id", "pk")
            ],
            "audit_log": [
                {
                    "created_at": event.created_at,
                    "actor": event.actor_label,
                    "action": event.action,
                    "summary": event.summary,
                    "ip_address": event.ip_address,
                    "request_id": event.request_id,
                }
                for event in AuditEvent.objects.order_by("created_at", "pk")
            ],
            "webhook_endpoints": [
                {
                    "id": endpoint.pk,
                    "url": endpoint.url,
                    "description": endpoint.description,
                    "event_types": list(endpoint.event_types),
                    "is_active": endpoint.is_active,
                    "created_at": endpoint.created_at,
                }
                for endpoint in Endpoint.objects.order_by("pk")
            ],
            "subscription": (
                []
                if subscription is None
                else [
                    {
                        "plan": subscription.plan,
                        "status": subscription.status,
                        "current_period_end": subscription.current_period_end,
                        "trial_ends_at": subscription.trial_ends_at,
                        "past_due_since": subscription.past_due_since,
                    }
                ]
            ),
        }


def write(organization: Organization, target: IO[bytes]) -> None:
    """Write the ZIP archive of ``organization`` into ``target``."""
    write_zip(target, collect(organization), COLUMNS).close()
