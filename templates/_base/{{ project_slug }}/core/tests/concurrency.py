"""Run code from several threads at the same moment, each with its own database connection.

PostgreSQL gives every thread its own transaction, so two requests can pass the same check together and
only the database's constraints and locks decide. Tests that prove such an invariant use this helper and
``postgresql_only``: SQLite serialises writers, so the race cannot happen there. Run them with
``DATABASE_URL=postgres://…`` (the CI workflow does) and ``@pytest.mark.django_db(transaction=True)``,
since the threads cannot see a test's uncommitted rows.
"""

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection, connections

#: Mark for a test that needs PostgreSQL's concurrent transactions; it skips on SQLite.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
)

#: Seconds every thread waits for the others to be ready, then to finish.
TIMEOUT = 30


def run_at_once(attempt: Callable[[], Any], count: int) -> list[Any]:
    """Call ``attempt()`` from ``count`` threads at the same moment; what each returned or raised."""
    return run_all_at_once([attempt] * count)


def run_all_at_once(attempts: Sequence[Callable[[], Any]]) -> list[Any]:
    """Call every one of ``attempts`` in its own thread, all at the same moment.

    The outcomes come back in the order of ``attempts``: a return value, or the exception raised, so a
    test can assert that the losers were refused in the expected way and that nothing else went wrong.
    """
    start = threading.Barrier(len(attempts), timeout=TIMEOUT)
    outcomes: list[Any] = [None] * len(attempts)

    def run(index: int) -> None:
        try:
            start.wait()
            outcomes[index] = attempts[index]()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()  # this thread's connections; the test's own is not shared

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    stuck = sum(thread.is_alive() for thread in threads)
    assert not stuck, f"{stuck} of {len(threads)} threads did not finish (a deadlock?)"
    return outcomes  # every slot is filled once the threads have finished
