from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ...graph.models import Follow, FollowRequest
from ...posts.tests.factories import FollowFactory, FollowRequestFactory, PostFactory, UserFactory
from ..counts import profile_counts
from ..models import Profile

pytestmark = pytest.mark.django_db


def png(name: str = "me.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), color=(12, 75, 51)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_every_new_user_gets_a_profile():
    user = get_user_model().objects.create_user("newcomer", "new@example.com", "pw-123456789")
    assert Profile.objects.get(user=user).is_private is False


def test_profile_page_with_counts_and_posts(client):
    ana = UserFactory(username="ana", name="Ana", bio="Hello there")
    FollowFactory(follower=UserFactory(), followee=ana)
    FollowFactory(follower=ana, followee=UserFactory())
    post = PostFactory(author=ana, body="my first post")
    response = client.get(reverse("profiles:detail", kwargs={"username": "ana"}))
    assert response.context["counts"] == {"followers": 1, "following": 1, "posts": 1}
    assert response.context["page"].items == [post]
    content = response.content.decode()
    assert "Hello there" in content and "my first post" in content
    assert client.get(reverse("profiles:detail", kwargs={"username": "ghost"})).status_code == 404


def test_counts_are_cached_and_refreshed_by_the_services(client):
    from ...graph.services import follow

    ana, ben = UserFactory(), UserFactory()
    assert profile_counts(ana)["followers"] == 0
    FollowFactory(follower=ben, followee=ana)  # made directly: the cache still says 0
    assert profile_counts(ana)["followers"] == 0
    follow(UserFactory(), ana)  # through the service: refreshed
    assert profile_counts(ana)["followers"] == 2


def test_private_account_shows_posts_to_followers_only(client):
    pia = UserFactory(username="pia")
    pia.profile.is_private = True
    pia.profile.save()
    post = PostFactory(author=pia)
    url = reverse("profiles:detail", kwargs={"username": "pia"})
    assert client.get(url).context["page"].items == []
    assert "This account is private" in client.get(url).content.decode()
    follower = UserFactory()
    FollowFactory(follower=follower, followee=pia)
    client.force_login(follower)
    assert client.get(url).context["page"].items == [post]


def test_hidden_follower_lists(client):
    ana = UserFactory(username="ana")
    FollowFactory(follower=UserFactory(username="fan"), followee=ana)
    url = reverse("profiles:followers", kwargs={"username": "ana"})
    assert "fan" in client.get(url).content.decode()
    ana.profile.hide_followers = True
    ana.profile.save()
    assert client.get(url).status_code == 403
    assert client.get(reverse("profiles:following", kwargs={"username": "ana"})).status_code == 403
    client.force_login(ana)
    assert client.get(url).status_code == 200  # one always sees one's own


def test_settings_save_a_valid_avatar_and_privacy(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("profiles:settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"avatar": png(), "is_private": "on"})
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.is_private
    assert user.profile.avatar.name.endswith(".png")


def test_people_without_a_picture_get_their_initials_and_others_their_picture(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ana = UserFactory(username="ana", name="Ana Lima")
    PostFactory(author=ana, body="Hello")
    page = client.get(reverse("profiles:detail", args=["ana"])).content.decode()
    assert page.count(">AL</span>") == 2  # the profile's head and the post's header
    ana.profile.avatar = png()
    ana.profile.save()
    page = client.get(reverse("profiles:detail", args=["ana"])).content.decode()
    assert ">AL</span>" not in page
    assert page.count(f'src="{ana.profile.avatar.url}"') == 2


def test_making_a_private_account_public_accepts_pending_requests(client):
    ana = UserFactory(username="ana")
    ana.profile.is_private = True
    ana.profile.save()
    requesters = UserFactory.create_batch(2)
    for requester in requesters:
        FollowRequestFactory(requester=requester, target=ana)
    client.force_login(ana)
    response = client.post(reverse("profiles:settings"), {"hide_followers": ""}, follow=True)
    assert "2 pending follow requests were accepted" in response.content.decode()
    assert not FollowRequest.objects.exists()
    assert set(Follow.objects.filter(followee=ana).values_list("follower", flat=True)) == {
        requester.pk for requester in requesters
    }
    client.post(reverse("profiles:settings"), {"is_private": "on"})  # private again: nothing to accept
    ana.profile.refresh_from_db()
    assert ana.profile.is_private and Follow.objects.filter(followee=ana).count() == 2


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("me.png", b"not an image", content_type="image/png"),
        SimpleUploadedFile("me.svg", b"<svg/>"),
    ],
    ids=["not-an-image", "wrong-type"],
)
def test_settings_reject_bad_avatars(client, upload):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("profiles:settings"), {"avatar": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["avatar"]
    user.profile.refresh_from_db()
    assert not user.profile.avatar


def test_avatar_too_large_is_refused(client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 10
    client.force_login(UserFactory())
    response = client.post(reverse("profiles:settings"), {"avatar": png()})
    assert "too large" in str(response.context["form"].errors["avatar"])


def test_shared_profile_page_links_to_the_social_profile(client):
    UserFactory(username="ana")
    response = client.get(reverse("users:detail", kwargs={"username": "ana"}))
    assert reverse("profiles:detail", kwargs={"username": "ana"}) in response.content.decode()
