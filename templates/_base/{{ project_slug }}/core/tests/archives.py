"""For the tests of every kind's exports (``core/archives.py``)."""

from collections.abc import Callable

from ..archives import Download, DownloadRefused
from .concurrency import run_at_once


def two_downloads_at_once(claim: Callable[[], Download]) -> None:
    """Claim one archive from two threads at the same moment (PostgreSQL): exactly one gets the ZIP file,
    the other is refused because the link was used."""

    def download() -> bytes:
        got = claim()
        try:
            return got.file.read()
        finally:
            got.file.close()

    outcomes = run_at_once(download, 2)
    files = [outcome for outcome in outcomes if isinstance(outcome, bytes)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, DownloadRefused)]
    assert len(files) == 1 and len(refused) == 1, outcomes
    assert files[0].startswith(b"PK")  # a ZIP archive
    assert "each export downloads once" in refused[0].reason
