"""What a refused write means: a unique value taken by a request that got there first."""

from django.db import IntegrityError

#: SQLSTATE for a unique-constraint violation (PostgreSQL's ``unique_violation``).
UNIQUE_VIOLATION = "23505"


def is_unique_violation(error: BaseException) -> bool:
    """True when ``error`` is the database refusing a duplicate under a unique constraint or index.

    Code that checks uniqueness first (a form, a serializer) still meets this when two requests pass the
    check at the same moment: the database decides, and the loser should be told, not shown a 500.
    """
    if not isinstance(error, IntegrityError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate is not None:  # PostgreSQL (psycopg)
        return sqlstate == UNIQUE_VIOLATION
    return "UNIQUE constraint failed" in str(error)  # SQLite
