import pytest
from django.urls import reverse

from ...posts.tests.factories import PostFactory, UserFactory
from ..models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model",
    [
        "graph/follow",
        "graph/followrequest",
        "graph/block",
        "graph/mute",
        "graph/report",
        "posts/post",
        "posts/like",
        "profiles/profile",
        "notifications/notification",
    ],
)
def test_admin_lists_load(staff_client, model):
    PostFactory()
    assert staff_client.get(f"/admin/{model}/").status_code == 200


def test_staff_resolve_reports_and_deactivate_the_reported(staff_client):
    spammer = UserFactory()
    report = Report.objects.create(reporter=UserFactory(), reported_user=spammer, reason="spam")
    url = reverse("admin:graph_report_changelist")
    staff_client.post(url, {"action": "deactivate_reported_users", "_selected_action": [report.pk]})
    report.refresh_from_db()
    spammer.refresh_from_db()
    assert report.resolved_at is not None
    assert not spammer.is_active
    assert staff_client.get(url + "?state=open").context["cl"].result_count == 0
