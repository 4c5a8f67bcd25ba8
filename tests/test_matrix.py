"""The option matrix (CI tier), sampled pairwise: every kind renders and passes with a set of answer sets
that covers every *pair* of answer values.

Factors: use_drf, use_celery, use_allauth, use_docker (on/off), ci (none/github/gitlab) and database
(sqlite/postgresql): 96 combinations per kind (48 for ``todo_api``, whose DRF is always on). Running them
all for five kinds would take most of CI's time, and defects between options come from pairs, so each kind
runs a pairwise covering set instead (about 8 rows, built greedily and deterministically):
``test_matrix_covers_pairs`` proves, without rendering anything, that every pair of values of every two
factors appears for every kind. tests/test_generation.py adds the hand-picked sets (defaults, all on, all
off, each option alone, both CI services, both databases, awkward names) and runs the same chain on them, so
the matrix only adds rows for the pairs those sets leave uncovered: no answer set is run twice.

Each project runs one chain: its own suite, ``makemigrations --check``, ``check --deploy`` with
production settings, and ``ruff check``. With ``DJSTARTER_TEST_POSTGRES_URL`` set, projects whose
database is postgresql run their suite against a real server, in a database of their own.

Run: ``python -m pytest -n 2 -m full tests/test_matrix.py``.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from djstarter.answers import validate
from djstarter.generate import generate
from djstarter.templates import implemented_kinds

from .generated import COMBINATIONS, manage, production_env, project_env, run
from .helpers import BASE_ANSWERS

#: Each factor and its values, in a fixed order (the sample is deterministic).
FACTORS: dict[str, tuple[Any, ...]] = {
    "use_drf": (False, True),
    "use_celery": (False, True),
    "use_allauth": (False, True),
    "use_docker": (False, True),
    "ci": ("none", "github", "gitlab"),
    "database": ("sqlite", "postgresql"),
}
SHORT = {"use_drf": "drf", "use_celery": "celery", "use_allauth": "allauth", "use_docker": "docker"}
POSTGRES_URL = os.environ.get("DJSTARTER_TEST_POSTGRES_URL", "")
RUFF = str(Path(sys.executable).parent / "ruff")
Row = tuple[Any, ...]


def _factors(kind: str) -> dict[str, tuple[Any, ...]]:
    """The to-do API always has DRF: its use_drf factor has one value."""
    return {**FACTORS, "use_drf": (True,)} if kind == "todo_api" else FACTORS


def _pairs(row: Row) -> set[tuple[int, Any, int, Any]]:
    return {(i, row[i], j, row[j]) for i, j in itertools.combinations(range(len(row)), 2)}


def pairwise(factors: dict[str, tuple[Any, ...]], covered: Sequence[Row] = ()) -> list[Row]:
    """A small set of rows that, with ``covered``, holds every pair of values of every two factors (greedy:
    each step takes the first row of the full product that covers the most pairs not yet covered)."""
    candidates = list(itertools.product(*factors.values()))
    uncovered = set().union(*map(_pairs, candidates)).difference(*map(_pairs, covered))
    rows: list[Row] = []
    while uncovered:
        best = max(candidates, key=lambda row: len(_pairs(row) & uncovered))
        rows.append(best)
        uncovered -= _pairs(best)
    return rows


def _case_id(kind: str, answers: dict[str, Any]) -> str:
    parts = [short for name, short in SHORT.items() if answers[name]]
    parts.append(f"ci-{answers['ci']}" if answers["ci"] != "none" else "no-ci")
    return f"{kind}-{'+'.join(parts)}-{answers['database']}"


@functools.cache
def _generation_rows(kind: str) -> list[Row]:
    """The answer sets tests/test_generation.py runs for ``kind``, as rows of the factors."""
    rows = []
    for combination in COMBINATIONS:
        given = {**BASE_ANSWERS, "project_kind": kind, **COMBINATIONS[combination]}
        if kind == "todo_api":
            given["use_drf"] = True  # as tests/generated.py renders it
        answers = validate(given)
        rows.append(tuple(answers[name] for name in FACTORS))
    return rows


def _cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for kind in implemented_kinds():
        names = list(_factors(kind))
        for row in pairwise(_factors(kind), covered=_generation_rows(kind)):
            answers = {**BASE_ANSWERS, "project_kind": kind, **dict(zip(names, row, strict=True))}
            cases.append((_case_id(kind, answers), answers))
    return cases


CASES = _cases()


def test_matrix_covers_pairs() -> None:
    """Cheap (renders nothing): every pair of values of any two factors appears, per kind, in few rows."""
    assert len({case_id for case_id, _ in CASES}) == len(CASES)
    for kind in implemented_kinds():
        factors = _factors(kind)
        added = [answers for _, answers in CASES if answers["project_kind"] == kind]
        assert len(added) <= 6, f"{kind}: the pairwise sample grew to {len(added)} rows"
        generation = [dict(zip(FACTORS, row, strict=True)) for row in _generation_rows(kind)]
        assert not {tuple(row[name] for name in FACTORS) for row in added} & set(_generation_rows(kind))
        rows = added + generation
        for first, second in itertools.combinations(factors, 2):
            assert {(row[first], row[second]) for row in rows} == set(
                itertools.product(factors[first], factors[second])
            ), (kind, first, second)


def _suite_database(case_id: str, answers: dict[str, Any]) -> tuple[str, list[str]]:
    """DATABASE_URL and extra pytest args for the generated suite."""
    if POSTGRES_URL and answers["database"] == "postgresql":
        name = "djs_mx_" + re.sub(r"[^a-z0-9]+", "_", case_id.lower())
        name = name[:50]  # PostgreSQL names stop at 63 bytes; pytest-django prepends "test_"
        return f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}", ["--create-db"]
    return "sqlite:///:memory:", []


@pytest.mark.slow
@pytest.mark.full
@pytest.mark.parametrize("answers", [answers for _, answers in CASES], ids=[case_id for case_id, _ in CASES])
def test_matrix_project_passes_its_gates(
    answers: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    project = generate(answers, tmp_path / "project", git=False)
    database_url, extra = _suite_database(request.node.callspec.id, answers)
    output = run(
        project,
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov", "-x", *extra,
        env=project_env(DATABASE_URL=database_url),
    )  # fmt: skip
    assert re.search(r"\d+ passed", output), output[-2000:]
    assert not re.search(r"\d+ (failed|error)", output), output[-2000:]
    manage(project, "makemigrations", "--check", "--dry-run",
           env=project_env(DJANGO_SETTINGS_MODULE="config.settings.test"))  # fmt: skip
    output = manage(project, "check", "--deploy", "--fail-level", "WARNING", env=production_env(project))
    assert "no issues" in output
    run(project, RUFF, "check", "--no-cache", ".")
