"""Starts the production-settings run (``production.py``) in the background when the session begins."""

import pytest

from . import production

_production_run = production.BackgroundRun()


def pytest_runtestloop(session):
    """Start the run before the first test if any selected test needs it; it finishes alongside them."""
    if session.config.option.collectonly:
        return
    if any("production_report" in getattr(item, "fixturenames", ()) for item in session.items):
        _production_run.start()


def pytest_sessionfinish(session):
    _production_run.stop()


@pytest.fixture(scope="session")
def production_report():
    """What ``config.settings.production`` did in a fresh interpreter (see ``production.py``)."""
    return _production_run.report()
