import pytest
from django.urls import reverse

from ..limits import RateLimited, hit, parse_rate
from ..models import Post
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_parse_rate():
    assert parse_rate("30/600") == (30, 600)


def test_limit_is_per_person_and_per_action(settings):
    settings.SOCIAL_RATE_LIMITS = {"post": "2/3600", "follow": "1/3600"}
    hit(1, "post")
    hit(1, "post")
    with pytest.raises(RateLimited, match=r"at most 2 posts in 1 hour\. Try again in \d+ minutes?"):
        hit(1, "post")
    hit(2, "post")  # someone else
    hit(1, "follow")  # another action


def test_posting_too_fast_gets_a_clear_message(client, settings):
    settings.SOCIAL_RATE_LIMITS = {"post": "1/600", "follow": "10/600"}
    client.force_login(UserFactory())
    url = reverse("posts:create")
    assert client.post(url, {"body": "one", "visibility": "public"}).status_code == 302
    response = client.post(url, {"body": "two", "visibility": "public"})
    assert response.status_code == 429
    assert "Slow down: at most 1 post in 10 minutes." in response.content.decode()
    assert list(Post.objects.values_list("body", flat=True)) == ["one"]
