"""Per-request facts for logs and the audit log, carried in context variables (set by the middleware)."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
