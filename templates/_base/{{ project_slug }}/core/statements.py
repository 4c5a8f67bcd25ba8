"""Reads compiled once: a busy read's SQL, put together and compiled by the ORM once per process, then run
with each read's values.

For a query read on every request (who is signed in and where, a page's rows), the ORM can spend far longer
putting it together and compiling it than the database spends running it, while its SQL is the same on every
request: only the values change (whose, which, since when). ``kept(model, key, build)`` compiles ``build()``
the first time and keeps the SQL (``KEPT_STATEMENTS`` per process); ``Statement.rows(**values)`` runs it with
one read's values, each a ``Slot`` in the queryset (``filter(user_id=Slot("user"))``). A statement holds SQL,
never rows: every read asks the database, so nothing it returns is ever stale. A slot only compiles inside a
statement (anywhere else it is a ``TypeError``, never a query with a missing value).

Used by: every kind (``users.backends``: who is signed in, on every signed-in request), saas
(``organizations.tenancy``: a member's organisations, on every organisation page and API call), social
(``posts.statements``: the feed, cards, replies and the privacy rule they carry).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import connections, models, router
from django.db.models import BigIntegerField, Value

if TYPE_CHECKING:
    from collections.abc import Callable

#: True while a statement is being compiled: slots then stay in its parameters, to be filled at each read.
_compiling: ContextVar[bool] = ContextVar("compiling_statement", default=False)


def is_compiling_statement() -> bool:
    """Whether a statement is being compiled (its slots are then filled at each read)."""
    return _compiling.get()


class Slot(Value):
    """A query parameter given at each read of a statement (``Statement.rows(name=value)``)."""

    def __init__(self, name: str, output_field: models.Field | None = None) -> None:
        super().__init__(None, output_field=output_field or BigIntegerField())
        self.name = name

    def as_sql(self, compiler, connection):
        if not _compiling.get():
            raise TypeError(f"Slot({self.name!r}) is only for statements (core.statements.kept).")
        return "%s", [self]

    def value_for(self, values: dict[str, Any]) -> Any:
        """This slot's value for one read."""
        return values[self.name]

    def bind(self, values: dict[str, Any], connection) -> Any:
        """The parameter sent to the database: the value as the field stores it (a time in UTC…)."""
        return self.output_field.get_db_prep_value(self.value_for(values), connection=connection)


class _Run:
    """The query of one read: hands the ORM a compiler that already holds the statement's SQL and state."""

    def __init__(self, statement: Statement, params: tuple) -> None:
        self.statement, self.params = statement, params

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        statement = self.statement
        connection = connection or connections[using]
        compiler = statement.compiler_class(statement.query, connection, using, elide_empty)
        compiler.__dict__.update(statement.state)
        compiler.as_sql = lambda *args, **kwargs: (statement.sql, self.params)
        return compiler


class Statement:
    """A queryset compiled once; ``rows(**values)`` runs it with one read's values (model instances, with
    their annotations and ``prefetch_related`` done, as evaluating the queryset would give)."""

    def __init__(self, queryset: models.QuerySet) -> None:
        self.model, self.using, self.query = queryset.model, queryset.db, queryset.query
        self.queryset_class = type(queryset)
        self.prefetch = queryset._prefetch_related_lookups
        compiler = self.query.get_compiler(using=self.using)
        token = _compiling.set(True)
        try:
            self.sql, params = compiler.as_sql()
        finally:
            _compiling.reset(token)
        self.params = tuple(params)
        self.compiler_class = type(compiler)
        # What compiling left on the compiler (the columns, the models to make of a row…), for each read's.
        self.state = {
            name: value
            for name, value in compiler.__dict__.items()
            if name not in {"query", "connection", "using", "elide_empty"}
        }

    def rows(self, **values: Any) -> list:
        connection = connections[self.using]
        params = tuple(
            param.bind(values, connection) if isinstance(param, Slot) else param for param in self.params
        )
        queryset = self.queryset_class(model=self.model, query=_Run(self, params), using=self.using)
        queryset._prefetch_related_lookups = self.prefetch
        return list(queryset)


#: How many statements each process keeps (one per shape: the feed's first and later pages, a card…).
KEPT_STATEMENTS = 64
_kept: OrderedDict[tuple, Statement] = OrderedDict()
_lock = threading.Lock()


def kept(model: type[models.Model], key: tuple, build: Callable[[], models.QuerySet]) -> Statement:
    """The statement ``key`` names for ``model`` (and the database it reads), compiled from ``build()`` the
    first time. Two apps may use the same ``key`` for different models."""
    key = (router.db_for_read(model), model._meta.label, *key)
    with _lock:
        statement = _kept.get(key)
        if statement is not None:
            _kept.move_to_end(key)
            return statement
    statement = Statement(build())
    with _lock:
        _kept[key] = statement
        while len(_kept) > KEPT_STATEMENTS:
            _kept.popitem(last=False)
    return statement
