import pytest
from django.urls import reverse

from ...posts.services import like, unlike
from ...posts.tests.factories import PostFactory, UserFactory
from ..models import Notification
from ..services import unread_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return UserFactory(username="ana", name="Ana")


@pytest.fixture
def post(ana):
    return PostFactory(author=ana)


def test_likes_are_grouped_with_the_latest_actor_first(ana, post):
    ben, cleo, dan, eve = (UserFactory(name=name) for name in ("Ben", "Cleo", "Dan", "Eve"))
    like(ben, post)
    assert Notification.objects.get().summary == "Ben liked your post"
    like(cleo, post)
    assert Notification.objects.get().summary == "Cleo and 1 other liked your post"
    for person in (dan, eve):
        like(person, post)
    notification = Notification.objects.get()
    assert notification.summary == "Eve and 3 others liked your post"
    assert notification.actors.count() == 4
    unlike(eve, post)
    assert Notification.objects.get().summary == "Dan and 2 others liked your post"
    for person in (ben, cleo, dan):
        unlike(person, post)
    assert not Notification.objects.exists()


def test_own_actions_do_not_notify(ana, post):
    like(ana, post)
    assert not Notification.objects.exists()


def test_new_activity_makes_a_read_notification_unread(ana, post):
    like(UserFactory(), post)
    Notification.objects.update(is_read=True)
    assert unread_count(ana) == 0
    like(UserFactory(), post)
    assert unread_count(ana) == 1


def test_list_badge_and_mark_read(client, ana, post):
    like(UserFactory(name="Ben"), post)
    PostFactory(author=ana)  # another post, another group
    like(UserFactory(name="Cleo"), PostFactory(author=ana))
    client.force_login(ana)
    response = client.get(reverse("notifications:list"))
    assert [n.summary for n in response.context["notifications"]] == [
        "Cleo liked your post",
        "Ben liked your post",
    ]
    assert "data-unread-count>2</span>" in response.content.decode()
    first = Notification.objects.get(last_actor__name="Ben")
    response = client.post(reverse("notifications:mark_read", kwargs={"pk": first.pk}))
    assert response["Location"] == post.get_absolute_url()
    assert unread_count(ana) == 1
    client.post(reverse("notifications:mark_all_read"))
    assert unread_count(ana) == 0


def test_unread_count_is_one_query(ana, post, django_assert_num_queries):
    for _ in range(3):
        like(UserFactory(), PostFactory(author=ana))
    with django_assert_num_queries(1):
        assert unread_count(ana) == 3


def test_forged_or_foreign_notification_ids_are_404(client, ana, post):
    like(UserFactory(), post)
    notification = Notification.objects.get()
    client.force_login(UserFactory())
    assert client.post(reverse("notifications:mark_read", kwargs={"pk": notification.pk})).status_code == 404
    assert client.post(reverse("notifications:mark_read", kwargs={"pk": 999999})).status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_notifications_need_a_login(client):
    assert client.get(reverse("notifications:list")).status_code == 302


def test_mention_and_follow_request_are_emailed_after_commit(
    ana, mailoutbox, django_capture_on_commit_callbacks
):
    from ...graph.services import follow
    from ...posts.services import create_post

    private = UserFactory(username="pia", email="pia@example.com")
    private.profile.is_private = True
    private.profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        create_post(ana, body="Hello @pia")
        follow(ana, private)
        like(UserFactory(), PostFactory(author=ana))  # likes are not emailed
    assert sorted(message.subject.split(": ", 1)[1] for message in mailoutbox) == [
        "Ana asked to follow you",
        "Ana mentioned you",
    ]
    assert all(message.to == ["pia@example.com"] for message in mailoutbox)
