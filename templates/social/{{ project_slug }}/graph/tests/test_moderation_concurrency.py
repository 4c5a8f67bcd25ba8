"""Moderators deciding on the same report at the same moment, on a real PostgreSQL: one decision is made
and recorded, the reporter is told once, the others are told it was handled (409). Skipped on SQLite."""

import pytest
from django.test import Client
from django.urls import reverse

from ...core.tests.concurrency import postgresql_only, run_all_at_once
from ...notifications.models import Notification
from ...posts.tests.factories import PostFactory, UserFactory
from .. import services
from ..models import ModerationAction, Report


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_decisions_on_one_report_make_one():
    troll, ana = UserFactory(username="troll"), UserFactory(username="ana")
    post = PostFactory(author=troll)
    report = services.report(ana, troll, reason="spam", post=post)
    other = services.report(UserFactory(), troll, reason="abuse")  # the suspension settles this one too
    moderators = [UserFactory(is_staff=True) for _ in range(6)]
    kinds = ["hide_post", "suspend", "dismiss"] * 2
    url = reverse("graph:moderate", kwargs={"pk": report.pk})

    def attempt(moderator, kind):
        def send() -> int:
            client = Client()
            client.force_login(moderator)
            data = {f"report-{report.pk}-kind": kind, f"report-{report.pk}-reason": "at once"}
            return client.post(url, {**data, f"report-{report.pk}-days": "7"}).status_code

        return send

    codes = run_all_at_once([attempt(m, k) for m, k in zip(moderators, kinds, strict=True)])
    assert sorted(codes) == [302] + [409] * 5
    action = ModerationAction.objects.get()
    assert Report.objects.get(pk=report.pk).decision == action
    assert Notification.objects.filter(recipient=ana, kind="report").count() == 1
    settled = Report.objects.get(pk=other.pk).decision
    assert settled == (action if action.kind == "suspend" else None)
