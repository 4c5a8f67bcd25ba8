"""The current organisation, carried in a context variable (no models here: logging imports it early).

Set by ``OrganizationMiddleware`` for ``/o/<slug>/…`` URLs (after checking membership), by the API views
after authentication, and by ``organization_context()`` in tasks, commands and tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Organization

#: Marks the deliberate "every organisation" scope (the admin, maintenance).
ALL_ORGANIZATIONS = object()

_current: ContextVar[Any] = ContextVar("current_organization", default=None)


class NoCurrentOrganization(RuntimeError):
    """An organisation-owned model was queried outside any organisation (fail closed)."""


def current_organization() -> Organization:
    scope = _current.get()
    if scope is None or scope is ALL_ORGANIZATIONS:
        raise NoCurrentOrganization("No current organisation: use organization_context(organization).")
    return scope


def get_current_organization() -> Organization | None:
    """The current organisation, or ``None`` (for logs and templates; never for filtering)."""
    scope = _current.get()
    return None if scope is ALL_ORGANIZATIONS else scope


def activate(organization: Organization | None) -> Token:
    """Set the current organisation; the caller resets the returned token (see the middleware)."""
    return _current.set(organization)


def reset(token: Token) -> None:
    _current.reset(token)


@contextmanager
def organization_context(organization: Organization) -> Iterator[Organization]:
    """Work inside ``organization``: scoped managers return its rows only."""
    token = _current.set(organization)
    try:
        yield organization
    finally:
        _current.reset(token)


@contextmanager
def all_organizations() -> Iterator[None]:
    """Deliberately see every organisation's rows (platform staff in the admin, maintenance)."""
    token = _current.set(ALL_ORGANIZATIONS)
    try:
        yield
    finally:
        _current.reset(token)
