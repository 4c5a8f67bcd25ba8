"""The export rules held by the database, under real concurrency (PostgreSQL): a link downloads once
however many ask at the same moment, and requests at the same moment make one export."""

import pytest

from ...core.tests.archives import two_downloads_at_once
from ...core.tests.concurrency import postgresql_only, run_at_once
from ...organizations.exceptions import ActionRefused
from ...organizations.permissions import Role
from ...organizations.tests.factories import ready_export
from ..models import Export
from ..services import claim_download, request_export

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]


def test_two_downloads_at_once_exactly_one_gets_the_file(acme, owner):
    export = ready_export(acme)
    two_downloads_at_once(
        lambda: claim_download(Export.unscoped.select_related("organization").get(pk=export.pk), actor=owner)
    )
    assert Export.unscoped.get(pk=export.pk).downloaded_at is not None


def test_two_requests_at_once_make_one_export(acme, owner):
    def ask():
        return request_export(organization=acme, actor=owner, actor_role=Role.OWNER)

    outcomes = run_at_once(ask, 2)
    made = [outcome for outcome in outcomes if isinstance(outcome, Export)]
    assert len(made) == 1, outcomes
    assert isinstance(next(o for o in outcomes if not isinstance(o, Export)), ActionRefused)
    assert Export.unscoped.filter(organization=acme).count() == 1
