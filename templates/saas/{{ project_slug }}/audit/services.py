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
