"""Shared fixtures: isolation from the real home directory, complete answer sets, served sites."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .helpers import BASE_ANSWERS
from .served import Site, open_site


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """HOME, XDG folders and git identity point into a temporary folder: tests never touch the real ones."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (home / ".gitconfig").write_text("[user]\n\tname = Test User\n\temail = test@example.com\n")
    monkeypatch.delenv("GIT_AUTHOR_NAME", raising=False)
    monkeypatch.delenv("GIT_AUTHOR_EMAIL", raising=False)


@pytest.fixture
def answers() -> dict[str, Any]:
    return dict(BASE_ANSWERS)


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A served project shared by the gates that drive a site over HTTP: parametrize indirectly with
    ``served.site_params`` (kind, database). Pytest runs the tests of one parameter together and stops its
    server before starting the next, so one site runs at a time per worker."""
    kind, database = request.param
    with open_site(kind, database, tmp_path_factory.mktemp(f"site-{kind}-{database}")) as served:
        yield served
