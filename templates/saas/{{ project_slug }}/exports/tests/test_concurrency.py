"""The export rules held by the database, under real concurrency (PostgreSQL): a link downloads once
however many ask at the same moment, and requests at the same moment make one export."""

import pytest

from ...core.tests.concurrency import postgresql_only, run_at_once
from ...organizations.exceptions import ActionRefused
from ...organizations.permissions import Role
from ...organizations.tests.factories import ready_export
from ..models import Export
from ..services import DownloadRefused, claim_download, request_export

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]


def test_two_downloads_at_once_exactly_one_gets_the_file(acme, owner):
    export = ready_export(acme)

    def download():
        fresh = Export.unscoped.select_related("organization").get(pk=export.pk)
        got = claim_download(fresh, actor=owner)
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
    assert Export.unscoped.get(pk=export.pk).downloaded_at is not None


def test_two_requests_at_once_make_one_export(acme, owner):
    def ask():
        return request_export(organization=acme, actor=owner, actor_role=Role.OWNER)

    outcomes = run_at_once(ask, 2)
    made = [outcome for outcome in outcomes if isinstance(outcome, Export)]
    assert len(made) == 1, outcomes
    assert isinstance(next(o for o in outcomes if not isinstance(o, Export)), ActionRefused)
    assert Export.unscoped.filter(organization=acme).count() == 1
