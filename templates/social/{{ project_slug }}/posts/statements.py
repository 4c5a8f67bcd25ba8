"""The busiest reads, compiled once (``core.statements``) for a stand-in reader.

The privacy rule makes a post's card a large query (the rule for the post, for every post above it, for its
replies, likes and boosts), and the ORM spends far longer putting it together and compiling it than the
database spends running it. Yet its SQL is the same for every reader: only the values change (who reads,
which post, where a page starts, the time of the read). So the home feed, a post's card and its replies
(``managers``) are built once per shape for a stand-in reader (``ANYONE``, whose id is a ``Slot``), compiled
once, and each read runs the kept SQL with its own values (``Statement.rows``). The notification badge's
query, on every signed-in page, is one too (``notifications.services.unread_count``). A statement holds
SQL, never rows: every read asks the database, so nothing it returns is ever stale.

A ``Slot`` is a value given at each read (``Slot("viewer")``, ``Slot("pk")``…); ``CurrentTime``
(``graph.moderation``) is one filled with the time of the read. A slot only compiles inside a statement.
"""

from __future__ import annotations

from typing import Any

from ..core.statements import Slot, kept

# Slot and kept too: the social reads (``managers``, ``exports.archive``) name one module for statements.
__all__ = ["ANYONE", "Anyone", "Slot", "kept", "reader", "values_for"]


class Anyone:
    """A signed-in reader whose id is given at each read: what the privacy rule is built for in a statement.
    The rule depends on nothing else of its reader than the id (``managers``' module docstring)."""

    is_authenticated = True
    is_anonymous = False
    pk = id = Slot("viewer")

    def __repr__(self) -> str:
        return "<any signed-in reader>"


ANYONE = Anyone()


def reader(viewer) -> Anyone | Any:
    """What a statement is built for: ``ANYONE`` for a signed-in viewer, the anonymous viewer as is."""
    return ANYONE if viewer.is_authenticated else viewer


def values_for(viewer, **values: Any) -> dict[str, Any]:
    """A read's values, with the viewer's id."""
    return {"viewer": viewer.pk, **values}
