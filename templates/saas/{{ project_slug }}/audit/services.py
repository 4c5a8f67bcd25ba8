from django.db import connection

from ..operations.context import client_address, request_id
from .models import AuditEvent


def record(organization, action: str, *, actor=None, actor_label: str = "", summary: str = "") -> AuditEvent:
    """Append an audit event; the client address and request id come from the current request."""
    return AuditEvent.unscoped.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label or (str(actor.get_username()) if actor is not None else "system"),
        action=action,
        summary=summary[:300],
        ip_address=client_address.get(),
        request_id=request_id.get(),
    )


def release_log_for_deletion(organization) -> None:
    """Let the current transaction delete ``organization``'s audit log, and no other row of it.

    On PostgreSQL the database refuses to delete audit events (migration ``0002``) unless the
    transaction named their organisation in the transaction-local setting ``audit.deleting_organizations``
    (``SET LOCAL``; each call adds one id). Only the organisation-delete paths call this, in their
    transaction, right before deleting the organisation.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("Call this in the transaction that deletes the organisation.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('audit.deleting_organizations', concat_ws(',', "
                "nullif(current_setting('audit.deleting_organizations', true), ''), %s::text), true)",
                [str(organization.pk)],
            )
