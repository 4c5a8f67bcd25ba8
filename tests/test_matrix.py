"""The full matrix (CI tier): every kind x every subset of the five stack options renders and passes.

Options: use_drf, use_celery, use_allauth, use_docker and CI on/off (32 subsets per kind; for
``todo_api`` DRF is always on, so only its 16 distinct subsets run). The CI provider (when CI is on)
and the database are chosen deterministically so that they are covered *pairwise*: every
(provider, database) pair, and every (option on/off, provider) and (option on/off, database) pair,
appears for every kind -- ``test_matrix_covers_pairs`` proves it without rendering anything.

Each project runs one chain: its own suite, ``makemigrations --check``, ``check --deploy`` with
production settings, and ``ruff check``. With ``DJSTARTER_TEST_POSTGRES_URL`` set, projects whose
database is postgresql run their suite against a real server, in a database of their own.

Run: ``python -m pytest -n 2 -m full tests/test_matrix.py``.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from djstarter.generate import generate
from djstarter.templates import implemented_kinds

from .generated import manage, production_env, project_env, run
from .helpers import BASE_ANSWERS

OPTIONS = ("use_drf", "use_celery", "use_allauth", "use_docker", "ci")
SHORT = {"use_drf": "drf", "use_celery": "celery", "use_allauth": "allauth", "use_docker": "docker"}
POSTGRES_URL = os.environ.get("DJSTARTER_TEST_POSTGRES_URL", "")
RUFF = str(Path(sys.executable).parent / "ruff")


def _choices(bits: tuple[bool, ...]) -> tuple[str, str]:
    """(ci, database) for one subset of the options: alternated by parity, so pairs are covered.

    database flips with the parity of all five bits; the provider flips with the parity of
    (drf, celery, allauth). With docker fixed, database == provider xor constant, and flipping docker
    flips the constant, so all four (provider, database) pairs occur; each option's value leaves the
    other bits free, so both providers and both databases occur with it.
    """
    drf, celery, allauth, _docker, ci_on = bits
    database = ("sqlite", "postgresql")[(sum(bits) + 1) % 2]
    ci = ("github", "gitlab")[(drf + celery + allauth) % 2] if ci_on else "none"
    return ci, database


def _case_id(kind: str, bits: tuple[bool, ...], ci: str, database: str) -> str:
    parts = [SHORT[name] for name, on in zip(OPTIONS[:4], bits[:4], strict=True) if on]
    parts.append(f"ci-{ci}" if ci != "none" else "no-ci")
    return f"{kind}-{'+'.join(parts)}-{database}"


def _cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for kind in implemented_kinds():
        seen: set[tuple[Any, ...]] = set()
        for bits in itertools.product((False, True), repeat=5):
            if kind == "todo_api" and not bits[0]:
                continue  # DRF is always on for the to-do API: the drf-off subset duplicates the drf-on one
            ci, database = _choices(bits)
            answers = {
                **BASE_ANSWERS,
                "project_kind": kind,
                "use_drf": bits[0],
                "use_celery": bits[1],
                "use_allauth": bits[2],
                "use_docker": bits[3],
                "ci": ci,
                "database": database,
            }
            key = tuple(sorted(answers.items()))
            assert key not in seen, f"duplicate matrix entry {answers}"
            seen.add(key)
            cases.append((_case_id(kind, bits, ci, database), answers))
    return cases


CASES = _cases()


def test_matrix_covers_pairs() -> None:
    """Cheap (renders nothing): the matrix has the expected size and covers every pair, per kind."""
    kinds = implemented_kinds()
    assert len(CASES) == sum(16 if kind == "todo_api" else 32 for kind in kinds)
    assert len({case_id for case_id, _ in CASES}) == len(CASES)
    for kind in kinds:
        rows = [answers for _, answers in CASES if answers["project_kind"] == kind]
        with_ci = [row for row in rows if row["ci"] != "none"]
        assert {(row["ci"], row["database"]) for row in with_ci} == set(
            itertools.product(("github", "gitlab"), ("sqlite", "postgresql"))
        )
        for option in OPTIONS[:4]:
            values = {row[option] for row in rows}  # todo_api: DRF is only ever on
            assert {(row[option], row["database"]) for row in rows} == set(
                itertools.product(values, ("sqlite", "postgresql"))
            ), option
            assert {(row[option], row["ci"]) for row in with_ci} == set(
                itertools.product(values, ("github", "gitlab"))
            ), option
        assert {(row["ci"] != "none", row["database"]) for row in rows} == set(
            itertools.product((False, True), ("sqlite", "postgresql"))
        )


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
