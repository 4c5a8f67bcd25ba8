import re

import pytest
from django.urls import reverse

from ...posts.services import create_post, edit_post, like, unlike
from ...posts.tests.factories import FollowFactory, PostFactory, UserFactory
from .. import services
from ..emails import send_notification_email
from ..models import Notification
from ..services import notify, unread_count

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


def test_no_notification_about_a_reply_below_a_post_one_may_not_see(
    client, ana, mailoutbox, django_capture_on_commit_callbacks
):
    """A private account's post; a follower replies mentioning Mo (who may not see the post), then
    replies to their own reply mentioning Mo again. Mo is told nothing, at any depth."""
    pia, mo = UserFactory(username="pia"), UserFactory(username="mo", email="mo@example.com")
    pia.profile.is_private = True
    pia.profile.save()
    FollowFactory(follower=ana, followee=pia)
    reply = create_post(ana, body="@mo look", reply_to=create_post(pia, body="for my followers"))
    deeper = create_post(ana, body="@mo and this", reply_to=reply)
    assert not Notification.objects.filter(recipient=mo).exists()
    # Even a notification made anyway (say, before this rule) is not delivered: list, count, email.
    with django_capture_on_commit_callbacks(execute=True):
        notify(mo, Notification.Kind.MENTION, ana, deeper)
    assert mailoutbox == []
    assert send_notification_email(Notification.objects.get(recipient=mo).pk) is False
    assert unread_count(mo) == 0
    client.force_login(mo)
    assert list(client.get(reverse("notifications:list")).context["notifications"]) == []
    assert client.get(deeper.get_absolute_url()).status_code == 404


def test_replied_to_your_post_only_for_a_reply_one_may_see(client, ana, post):
    fan = UserFactory(name="Fan")  # ana does not follow fan
    reply = create_post(fan, body="only for my followers", visibility="followers", reply_to=post)
    assert unread_count(ana) == 0 and not Notification.objects.exists()
    edit_post(reply, body=reply.body, visibility="public")
    assert Notification.objects.get(recipient=ana).summary == "Fan replied to your post"
    assert unread_count(ana) == 1
    fan.profile.is_private = True  # the reply is no longer visible to ana: neither is the notification
    fan.profile.save()
    assert unread_count(ana) == 0
    client.force_login(ana)
    assert list(client.get(reverse("notifications:list")).context["notifications"]) == []


def test_a_deactivated_person_gets_no_email(ana, mailoutbox):
    mo = UserFactory(username="mo", email="mo@example.com")
    create_post(ana, body="hi @mo")
    mo.is_active = False
    mo.save()
    assert send_notification_email(Notification.objects.get(recipient=mo).pk) is False
    assert mailoutbox == []


def _item(html: str) -> str:
    """A notification's list item without its CSRF token, whitespace folded."""
    html = re.sub(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', "", html)
    return re.sub(r"\s+", " ", html).strip()


def test_a_live_notification_is_rendered_like_the_listed_ones(
    client, ana, post, monkeypatch, django_capture_on_commit_callbacks
):
    pushed = []
    monkeypatch.setattr(services, "_send", lambda user_id, data: pushed.append(data))
    with django_capture_on_commit_callbacks(execute=True):
        like(UserFactory(username="ben", name="Ben Ode"), post)
    live = pushed[-1]["notification"]["html"]
    assert '<span class="badge">new</span>' in live and "<time datetime=" in live
    assert ">BO</span>" in live  # the liker's avatar (initials)
    client.force_login(ana)
    assert _item(live) in _item(client.get(reverse("notifications:list")).content.decode())
