"""The moderation queue: staff decide on reports (hide a post, suspend an account, dismiss), each decision
recorded with who and why; the reporters are told; the privacy rule hides what was taken away."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ...notifications.models import Notification
from ...posts.models import Post
from ...posts.services import PostError, create_post
from ...posts.tests.factories import FollowFactory, PostFactory, UserFactory
from .. import services
from ..models import ModerationAction, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    moderator = UserFactory(username="mod", is_staff=True)
    client.force_login(moderator)
    return moderator


@pytest.fixture
def troll():
    return UserFactory(username="troll", name="Troll")


@pytest.fixture
def ana():
    return UserFactory(username="ana", name="Ana")


def decide(client, report, **data):
    data = {f"report-{report.pk}-{key}": value for key, value in data.items()}
    return client.post(reverse("graph:moderate", kwargs={"pk": report.pk}), data)


def seen_by(viewer, post) -> bool:
    return Post.objects.visible_to(viewer).filter(pk=post.pk).exists()


def test_the_queue_shows_open_reports_in_context(client, staff, troll, ana):
    parent = PostFactory(author=ana, body="What do you think?")
    post = create_post(troll, body="Buy cheap watches", reply_to=parent)
    services.report(ana, troll, reason="spam", note="Every day", post=post)
    services.report(UserFactory(), troll, reason="abuse")
    done = services.report(UserFactory(), ana, reason="other")
    Report.objects.filter(pk=done.pk).update(resolved_at=timezone.now())
    page = client.get(reverse("graph:moderation")).content.decode()
    assert "Buy cheap watches" in page and "What do you think?" in page and "Every day" in page
    assert "2 open reports about this person" in page
    assert page.count('action="/moderation/reports/') == 2  # the resolved one is not listed


def test_the_queue_reads_a_constant_number_of_queries(client, staff, django_assert_max_num_queries):
    def add(count: int) -> None:
        for _ in range(count):
            author = UserFactory()
            services.report(UserFactory(), author, reason="spam", post=PostFactory(author=author))

    add(2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("graph:moderation"))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("graph:moderation"))


def test_hiding_a_post_hides_it_from_all_but_its_author_and_tells_the_reporters(client, staff, troll, ana):
    post = PostFactory(author=troll)
    other = PostFactory(author=troll)
    first = services.report(ana, troll, reason="spam", post=post)
    second = services.report(UserFactory(), troll, reason="abuse", post=post)
    about_profile = services.report(UserFactory(), troll, reason="abuse")
    response = decide(client, first, kind="hide_post", reason="Spam links")
    assert response.status_code == 302
    action = ModerationAction.objects.get()
    assert (action.kind, action.moderator, action.person, action.post, action.reason) == (
        "hide_post",
        staff,
        troll,
        post,
        "Spam links",
    )
    assert set(Report.objects.filter(decision=action).values_list("pk", flat=True)) == {first.pk, second.pk}
    assert Report.objects.get(pk=about_profile.pk).resolved_at is None  # another matter
    assert not seen_by(ana, post) and not seen_by(UserFactory(), post)
    assert not seen_by(AnonymousUser(), post)
    assert seen_by(troll, post) and seen_by(ana, other)
    told = Notification.objects.filter(kind="report")
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(
        [ana.username, second.reporter.username]
    )
    assert told.first().summary == "The staff reviewed your report"  # the moderator is not named
    client.force_login(ana)
    assert "the post was hidden" in client.get(reverse("graph:my_reports")).content.decode()


def test_a_suspended_accounts_posts_are_hidden_everywhere_and_it_cannot_post(client, staff, troll, ana):
    FollowFactory(follower=ana, followee=troll)
    post = create_post(troll, body="Hello #news")
    reply = create_post(ana, body="A reply below", reply_to=post)
    report = services.report(ana, troll, reason="abuse")
    assert decide(client, report, kind="suspend", days="7", reason="Harassment").status_code == 302
    until = troll.profile.__class__.objects.get(user=troll).suspended_until
    assert timezone.now() + timedelta(days=6) < until < timezone.now() + timedelta(days=8)
    assert ModerationAction.objects.get().suspended_until == until
    anonymous = Client()
    for viewer in (ana, UserFactory(), staff):
        assert not seen_by(viewer, post) and not seen_by(viewer, reply)  # the thread below goes too
    assert not seen_by(AnonymousUser(), post)
    for url in (post.get_absolute_url(), reply.get_absolute_url()):
        assert anonymous.get(url).status_code == 404
    client.force_login(ana)
    for url in (reverse("posts:home"), reverse("profiles:detail", kwargs={"username": "troll"})):
        assert "Hello" not in client.get(url).content.decode()
    assert list(client.get(reverse("posts:search"), {"q": "Hello"}).context["page"].items) == []
    assert "Hello" not in client.get(reverse("posts:tag", kwargs={"name": "news"})).content.decode()
    with pytest.raises(PostError, match="suspended"):
        create_post(troll, body="I am back")
    client.force_login(troll)
    response = client.post(reverse("posts:create"), {"body": "I am back", "visibility": "public"})
    assert response.status_code == 400
    assert not Post.objects.filter(body="I am back").exists()


def test_a_time_limited_suspension_ends_and_a_permanent_one_does_not(client, staff, troll, ana):
    post = PostFactory(author=troll)
    decide(client, services.report(ana, troll, reason="spam"), kind="suspend", days="1", reason="Spam")
    assert not seen_by(ana, post)
    troll.profile.__class__.objects.filter(user=troll).update(suspended_until=timezone.now() - timedelta(1))
    assert seen_by(ana, post)
    create_post(troll, body="Allowed again")
    decide(client, services.report(ana, troll, reason="spam"), kind="suspend", days="", reason="Again")
    assert ModerationAction.objects.filter(suspended_until__isnull=True, kind="suspend").count() == 1
    assert not seen_by(ana, post)


def test_dismissing_changes_nothing_but_the_report(client, staff, troll, ana):
    post = PostFactory(author=troll)
    report = services.report(ana, troll, reason="other", post=post)
    assert decide(client, report, kind="dismiss", reason="Not against the rules").status_code == 302
    report.refresh_from_db()
    assert report.resolved_at and report.decision.kind == "dismiss"
    assert seen_by(ana, post)
    assert Notification.objects.get(recipient=ana, kind="report")


def test_refused_decisions_say_why(client, staff, troll, ana):
    report = services.report(ana, troll, reason="abuse")  # a profile: no post to hide
    response = decide(client, report, kind="hide_post", reason="x")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert decide(client, report, kind="dismiss", reason="").status_code == 400  # a reason is required
    other_staff = UserFactory(is_staff=True)
    staff_report = services.report(ana, other_staff, reason="abuse")
    response = decide(client, staff_report, kind="suspend", days="7", reason="x")
    assert response.status_code == 400 and "cannot be suspended" in response.content.decode()
    assert decide(client, report, kind="dismiss", reason="ok").status_code == 302
    response = decide(client, report, kind="suspend", days="7", reason="late")
    assert response.status_code == 409
    assert "handled this report already" in response.content.decode()
    assert "data-refusal" in response.content.decode()
    assert ModerationAction.objects.count() == 1
    assert not troll.profile.__class__.objects.get(user=troll).is_suspended


def test_the_queue_is_for_staff_only(client, troll, ana):
    report = services.report(ana, troll, reason="spam")
    assert client.get(reverse("graph:moderation")).status_code == 302  # to the login page
    client.force_login(ana)
    assert client.get(reverse("graph:moderation")).status_code == 403
    assert decide(client, report, kind="dismiss", reason="mine").status_code == 403
    assert not ModerationAction.objects.exists()
