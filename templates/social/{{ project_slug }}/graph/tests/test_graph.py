import importlib

import pytest
from django.urls import reverse
from django.utils import timezone

from ...notifications.models import Notification
from ...posts.tests.factories import (
    BlockFactory,
    FollowFactory,
    FollowRequestFactory,
    PostFactory,
    UserFactory,
)
from ..models import Block, Follow, FollowRequest, Mute, Report
from ..services import GraphError, follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(client):
    user = UserFactory(username="ana", name="Ana")
    client.force_login(user)
    return user


@pytest.fixture
def ben():
    return UserFactory(username="ben", name="Ben")


@pytest.fixture
def private(ben):
    ben.profile.is_private = True
    ben.profile.save()
    return ben


def act(client, name: str, username: str = "ben", **data):
    return client.post(reverse(f"graph:{name}", kwargs={"username": username}), data)


def test_follow_and_unfollow_a_public_account(client, ana, ben):
    response = act(client, "follow", next="/explore/")
    assert response["Location"] == "/explore/"
    assert Follow.objects.filter(follower=ana, followee=ben).exists()
    assert Notification.objects.get(recipient=ben).summary == "Ana followed you"
    act(client, "follow")  # twice: still one follow, one actor
    assert Follow.objects.count() == 1
    assert Notification.objects.get(recipient=ben).actor_count == 1
    act(client, "unfollow")
    assert not Follow.objects.exists()
    assert not Notification.objects.exists()


def test_follow_and_unfollow_in_place(client, ana, ben):
    htmx = {"HX-Request": "true"}
    url = reverse("graph:follow", kwargs={"username": "ben"})
    response = client.post(url, {"next": "/people/ben/"}, headers=htmx)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="follow-box" id="follow-ben">')
    assert "<strong data-followers-count>1</strong> follower<" in html and ">Unfollow<" in html
    assert Follow.objects.filter(follower=ana, followee=ben).exists()
    response = client.post(reverse("graph:unfollow", kwargs={"username": "ben"}), headers=htmx)
    assert "<strong data-followers-count>0</strong> followers" in response.content.decode()
    assert ">Follow<" in response.content.decode()
    # The profile page renders the same fragment.
    assert f'hx-post="{url}" hx-target="#follow-ben"' in client.get("/people/ben/").content.decode()


def test_follow_in_place_asks_a_private_account(client, ana, private):
    url = reverse("graph:follow", kwargs={"username": "ben"})
    response = client.post(url, headers={"HX-Request": "true"})
    assert ">Cancel follow request<" in response.content.decode()
    assert FollowRequest.objects.filter(requester=ana, target=private).exists()


def test_follow_in_place_is_refused_the_same_way(client, ana, ben):
    BlockFactory(blocker=ben, blocked=ana)
    url = reverse("graph:follow", kwargs={"username": "ben"})
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 404


def test_following_yourself_is_refused_with_a_reason(client, ana):
    response = act(client, "follow", username="ana")
    assert response.status_code == 400
    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()


def test_following_someone_who_blocked_you_is_a_404(client, ana, ben):
    BlockFactory(blocker=ben, blocked=ana)
    assert act(client, "follow").status_code == 404
    with pytest.raises(GraphError, match="cannot follow this account"):
        follow(ana, ben)
    assert not Follow.objects.exists() and not FollowRequest.objects.exists()


def test_following_someone_you_blocked_is_refused(client, ana, ben):
    BlockFactory(blocker=ana, blocked=ben)
    assert act(client, "follow").status_code == 400
    assert not Follow.objects.exists()


def test_private_account_gets_a_follow_request(client, ana, private):
    act(client, "follow")
    assert not Follow.objects.exists()
    follow_request = FollowRequest.objects.get(requester=ana, target=private)
    assert Notification.objects.get(recipient=private).kind == "follow_request"
    act(client, "unfollow")  # withdraw
    assert not FollowRequest.objects.filter(pk=follow_request.pk).exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("action", "follows"), [("accept", True), ("decline", False)])
def test_answer_a_follow_request(client, private, action, follows):
    requester = UserFactory()
    follow_request = FollowRequestFactory(requester=requester, target=private)
    client.force_login(private)
    assert requester.display_name in client.get(reverse("graph:requests")).content.decode()
    url = reverse("graph:answer_request", kwargs={"pk": follow_request.pk})
    assert client.post(url, {"action": action}).status_code == 302
    assert Follow.objects.filter(follower=requester, followee=private).exists() is follows
    assert not FollowRequest.objects.exists()


def test_only_the_target_answers_a_request(client, ana, private):
    follow_request = FollowRequestFactory(target=private)
    url = reverse("graph:answer_request", kwargs={"pk": follow_request.pk})
    assert client.post(url, {"action": "accept"}).status_code == 404
    client.force_login(private)
    assert client.post(url, {"action": "maybe"}).status_code == 400
    assert FollowRequest.objects.exists() and not Follow.objects.exists()


def test_remove_a_follower_from_ones_own_list(client, ana, ben):
    follow(ben, ana)  # ana is told: a "follow" notification
    url = reverse("profiles:followers", kwargs={"username": "ana"})
    assert "Remove follower" in client.get(url).content.decode()
    response = act(client, "remove_follower", next=url)
    assert response["Location"] == url
    assert not Follow.objects.exists()
    assert not Notification.objects.filter(recipient=ana, kind="follow").exists()
    assert act(client, "remove_follower").status_code == 302  # nobody to remove: nothing happens
    follow(ben, ana)
    client.force_login(ben)
    assert "Remove follower" not in client.get(url).content.decode()  # only on one's own list


def test_block_removes_follows_requests_and_notifications_both_ways(client, ana, ben):
    FollowFactory(follower=ana, followee=ben)
    FollowFactory(follower=ben, followee=ana)
    post = PostFactory(author=ana)
    client.force_login(ben)
    client.post(reverse("posts:like", kwargs={"pk": post.pk}), {"action": "like"})
    assert Notification.objects.filter(recipient=ana, kind="like").exists()
    client.force_login(ana)
    act(client, "block")
    assert Block.objects.filter(blocker=ana, blocked=ben).exists()
    assert not Follow.objects.exists()
    assert not Notification.objects.filter(recipient=ana, last_actor=ben).exists()
    client.force_login(ben)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get(reverse("profiles:detail", kwargs={"username": "ana"})).status_code == 404
    assert client.get(reverse("users:detail", kwargs={"username": "ana"})).status_code == 404  # shared page
    client.force_login(ana)
    assert client.get(reverse("users:detail", kwargs={"username": "ben"})).status_code == 200  # blocker sees
    act(client, "unblock")
    assert not Block.objects.exists()


def test_block_yourself_is_refused(client, ana):
    assert act(client, "block", username="ana").status_code == 400
    assert not Block.objects.exists()


def test_mute_and_unmute(client, ana, ben):
    act(client, "mute")
    assert Mute.objects.filter(muter=ana, muted=ben).exists()
    act(client, "unmute")
    assert not Mute.objects.exists()


def test_report_a_post(client, ana, ben):
    post = PostFactory(author=ben)
    url = reverse("graph:report", kwargs={"username": "ben"}) + f"?post={post.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "spam", "note": "Buy now"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.reported_user, report.post, report.reason) == (ana, ben, post, "spam")


def test_report_rejects_bad_input(client, ana, ben):
    url = reverse("graph:report", kwargs={"username": "ben"})
    assert client.post(url, {"reason": "boring"}).status_code == 400
    assert client.get(url + "?post=abc").status_code == 400
    assert client.get(url, {"post": "²"}).status_code == 400  # a digit int() refuses
    assert client.post(url, {"post": "9" * 30, "reason": "spam"}).status_code == 400
    hidden = PostFactory(author=ben, visibility="followers")
    assert client.get(url + f"?post={hidden.pk}").status_code == 404
    someone_elses = PostFactory()
    assert client.get(url + f"?post={someone_elses.pk}").status_code == 404
    assert (
        client.post(reverse("graph:report", kwargs={"username": "ana"}), {"reason": "spam"}).status_code
        == 400
    )
    assert not Report.objects.exists()


def test_following_too_fast_gets_a_clear_message(client, ana, settings):
    settings.SOCIAL_RATE_LIMITS = {"post": "10/60", "follow": "1/3600"}
    UserFactory(username="cleo")
    UserFactory(username="dan")
    act(client, "follow", username="cleo")
    response = act(client, "follow", username="dan")
    assert response.status_code == 429
    assert "Slow down: at most 1 follow in 1 hour." in response.content.decode()
    assert Follow.objects.count() == 1


def test_actions_need_a_signed_in_post(client, ben):
    assert act(client, "follow").status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(reverse("graph:follow", kwargs={"username": "ben"})).status_code == 405
    assert act(client, "follow", username="nobody").status_code == 404


def test_reporting_again_while_the_report_is_open_adds_nothing(client, ana, ben):
    url = reverse("graph:report", kwargs={"username": "ben"})
    post = PostFactory(author=ben)
    for _ in range(2):
        assert client.post(url, {"reason": "spam"}).status_code == 302
        assert client.post(url, {"reason": "abuse", "post": post.pk}).status_code == 302
    assert Report.objects.count() == 2  # one for the profile, one for the post
    Report.objects.update(resolved_at=timezone.now())
    client.post(url, {"reason": "abuse", "post": post.pk})
    assert Report.objects.filter(resolved_at__isnull=True).count() == 1  # reviewed: may be reported anew


def test_the_migration_keeps_the_earliest_of_repeated_open_reports():
    migration = importlib.import_module("..migrations.0002_one_open_report_each", __package__)
    rows = [
        {"pk": 1, "reporter_id": 1, "reported_user_id": 2, "post_id": None},
        {"pk": 2, "reporter_id": 1, "reported_user_id": 2, "post_id": 7},
        {"pk": 3, "reporter_id": 1, "reported_user_id": 2, "post_id": None},
        {"pk": 4, "reporter_id": 1, "reported_user_id": 2, "post_id": 7},
        {"pk": 5, "reporter_id": 3, "reported_user_id": 2, "post_id": 7},
        {"pk": 6, "reporter_id": 1, "reported_user_id": 4, "post_id": None},
    ]
    assert migration.later_duplicates(rows) == [3, 4]
