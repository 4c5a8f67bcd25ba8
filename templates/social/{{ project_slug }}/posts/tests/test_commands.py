from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ...graph.models import Follow, FollowRequest, Report
from ...notifications.models import NotificationPreference
from ..management.commands.load_demo_data import Command
from ..managers import feed_entries
from ..models import Attachment, Boost, Like, Post, Tag, TagFollow

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


def test_demo_network_is_made_once():
    assert "Demo network ready: 12 people" in run()
    counts = (
        Post.objects.count(),
        Follow.objects.count(),
        Like.objects.count(),
        FollowRequest.objects.count(),
    )
    assert counts[0] >= 10 and counts[1] >= 20 and counts[2] >= 5 and counts[3] == 1
    assert Post.objects.filter(reply_to__isnull=False).exists()
    assert Post.objects.exclude(content_warning="").exists()  # the accessibility gate audits one
    assert Post.objects.filter(edits__isnull=False, edited_at__isnull=False).count() == 1  # and its history
    images = Attachment.objects.all()
    assert images.count() == 2 and all(image.alt_text and image.image.size for image in images)
    assert Tag.objects.get(name="django").posts.count() >= 2 and TagFollow.objects.exists()
    assert get_user_model().objects.filter(profile__is_private=True).count() == 1
    ana = get_user_model().objects.get(username="ana")
    assert {entry.boosted_by_username for entry in feed_entries(ana, None, 50)} >= {"ben", "chen"}
    assert Boost.objects.count() >= 4
    assert NotificationPreference.objects.filter(user__username="dara", kind="digest", email=False).exists()
    assert Report.objects.filter(resolved_at__isnull=True, post__isnull=False).count() == 1
    assert Report.objects.filter(resolved_at__isnull=True, post__isnull=True).count() == 1
    staff = get_user_model().objects.get(is_staff=True)
    assert staff.username == Command.staff_demo["username"] and not staff.is_superuser
    assert staff.has_perm("graph.view_moderationaction") and not staff.has_perm("graph.change_report")
    assert "exists already" in run()
    assert (
        Post.objects.count(),
        Follow.objects.count(),
        Like.objects.count(),
        FollowRequest.objects.count(),
    ) == counts
    assert "Flushed" in run("--flush")
    assert Post.objects.count() == counts[0]
    assert get_user_model().objects.filter(is_staff=True).count() == 1


def test_demo_people_cannot_log_in_and_the_home_page_lives(client):
    run()
    assert not get_user_model().objects.get(username="ana").has_usable_password()
    assert "demo network" in client.get("/").content.decode()
