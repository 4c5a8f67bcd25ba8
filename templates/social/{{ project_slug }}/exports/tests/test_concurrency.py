"""The "Your data" rules held by the database under real concurrency (PostgreSQL): a link downloads once
however many ask at the same moment, requests at the same moment make one export, and two purges at the
same moment delete an account once, without an error."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from ...core.tests.archives import two_downloads_at_once
from ...core.tests.concurrency import postgresql_only, run_at_once
from ...posts.models import Post
from ...posts.tests.factories import UserFactory
from ...profiles import deletion
from ...profiles.models import Profile
from ..models import Export
from ..services import ExportRefused, claim_download, request_export
from .helpers import post_with_image, ready_export

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]


def test_two_downloads_at_once_exactly_one_gets_the_file():
    export = ready_export(UserFactory(username="ana"))
    two_downloads_at_once(lambda: claim_download(Export.objects.select_related("user").get(pk=export.pk)))
    assert Export.objects.get(pk=export.pk).downloaded_at is not None


def test_two_requests_at_once_make_one_export():
    ana = UserFactory(username="ana")
    outcomes = run_at_once(lambda: request_export(ana), 2)
    assert sum(isinstance(outcome, Export) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, ExportRefused) for outcome in outcomes) == 1, outcomes
    assert Export.objects.filter(user=ana).count() == 1


def test_two_purges_at_once_delete_each_account_once(settings):
    people = [UserFactory(username=f"leaving{n}") for n in range(3)]
    for person in people:
        post_with_image(person)
        deletion.schedule(person)
    Profile.objects.filter(user__in=people).update(deletion_due_at=timezone.now())
    outcomes = run_at_once(deletion.purge_due, 2)
    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    assert sum(outcomes) == len(people)  # each account purged by exactly one of them
    assert not get_user_model().objects.filter(username__startswith="leaving").exists()
    assert not Post.objects.exists()
    assert not [path for path in settings.SOCIAL_MEDIA_ROOT.glob("**/*") if path.is_file()]
