"""Unsubscribing many times at once (a mail client retrying, several clicks) on a real PostgreSQL: each is
an ordinary success and one row is left. Skipped on SQLite (see ``core.tests.concurrency``)."""

import pytest
from django.test import Client
from django.urls import reverse

from ...core.tests.concurrency import postgresql_only, run_at_once
from ...posts.tests.factories import UserFactory
from .. import preferences
from ..models import NotificationPreference

ATTEMPTS = 12


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_unsubscribes_leave_one_row():
    ana = UserFactory(username="ana")
    token = preferences.unsubscribe_token(ana, "mention")
    url = reverse("notifications:unsubscribe", kwargs={"token": token})

    def attempt() -> int:
        return Client().post(url, {"List-Unsubscribe": "One-Click"}).status_code

    assert run_at_once(attempt, ATTEMPTS) == [200] * ATTEMPTS
    assert list(NotificationPreference.objects.values_list("kind", "in_app", "email")) == [
        ("mention", True, False)
    ]
