"""Hashtags: parsed like mentions, stored once whatever their case, linked, a page each, followed into the
feed (public posts only) and trending over a time window, all under the one privacy rule."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .. import managers, services
from ..models import Post, PostTag, Tag, TagFollow
from .factories import BlockFactory, FollowFactory, MuteFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "tags"),
    [
        ("Learning #django today", ["django"]),
        ("#Django, #DJANGO and #django.", ["django"]),  # one tag whatever the case
        ("(#python) #tests! #a11y? end.#done", ["python", "tests", "a11y", "done"]),
        ("#Café, #東京 and #Ωmega_2", ["café", "東京", "ωmega_2"]),  # letters of every script
        ("#cafe\u0301 is #café", ["café"]),  # a combining accent is the same letter
        ("#Straße and #STRASSE", ["strasse"]),  # case-folded, not only lower-cased
        ("#1 and #2024 are numbers, #2024_review is a tag", ["2024_review"]),
        ("page#top https://example.com/#anchor &#39; ##twice #", []),
        ("#c++ and #c# and #x-ray", ["c", "x"]),  # a tag ends at the first other character
        ("@ana#tag is a mention", []),
        (f"#{'a' * 64} #{'b' * 65}", ["a" * 64]),  # longer than a tag may be: not a tag
        (" ".join(f"#t{n}" for n in range(12)), [f"t{n}" for n in range(10)]),  # at most ten
    ],
)
def test_parsing(body, tags):
    assert services.hashtags(body) == tags


def test_tags_are_stored_once_whatever_their_case_and_follow_edits():
    ana = UserFactory()
    first = services.create_post(ana, body="#Django is fun #orm")
    second = services.create_post(ana, body="So is #DJANGO")
    django = Tag.objects.get(name="django")
    assert set(django.posts.all()) == {first, second}
    assert Tag.objects.count() == 2
    services.edit_post(first, body="Now about #Python only", visibility=Post.Visibility.PUBLIC)
    assert set(first.tags.values_list("name", flat=True)) == {"python"}
    assert list(django.posts.all()) == [second]
    second.delete()
    assert not PostTag.objects.filter(tag=django).exists()


def test_the_database_keeps_one_lower_case_name_per_tag():
    Tag.objects.create(name="django")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="Django")  # the check constraint: lower case only
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="django")


def test_tags_are_linked_in_the_rendered_post_and_escaped(client):
    post = services.create_post(UserFactory(), body="Hello #Django <b>#bold</b> @nobody #ünï")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<a href="/tags/django/" class="hashtag" rel="tag">#Django</a>' in html
    assert '&lt;b&gt;<a href="/tags/bold/" class="hashtag" rel="tag">#bold</a>&lt;/b&gt;' in html
    assert f'<a href="{reverse("posts:tag", args=["ünï"])}" class="hashtag" rel="tag">#ünï</a>' in html


def tag_page(client, name: str, **params) -> list[Post]:
    response = client.get(reverse("posts:tag", args=[name]), params)
    assert response.status_code == 200
    return response.context["page"].items


def test_tag_page_lists_the_tags_posts_newest_first_with_keyset_pages(client, settings):
    settings.SOCIAL_FEED_PAGE_SIZE = 2
    ana = UserFactory()
    posts = [services.create_post(ana, body=f"#Django number {n}") for n in range(3)]
    services.create_post(ana, body="#other")
    assert tag_page(client, "django") == [posts[2], posts[1]]
    next_before = client.get(reverse("posts:tag", args=["django"])).context["page"].next_before
    assert tag_page(client, "django", before=next_before) == [posts[0]]


def test_tag_page_addresses(client):
    response = client.get(reverse("posts:tag", args=["Django"]) + "?before=5")
    assert (response.status_code, response["Location"]) == (301, "/tags/django/?before=5")
    assert client.get(reverse("posts:tag", args=["2024"])).status_code == 404  # not a tag
    assert client.get(reverse("posts:tag", args=["a" * 65])).status_code == 404
    assert tag_page(client, "unused") == []  # any tag has a page: it tells nothing about hidden posts


def test_tag_page_hides_what_the_rule_hides_and_muted_people(client):
    me, author, blocker, blocked, muted = UserFactory.create_batch(5)
    client.force_login(me)
    shown = services.create_post(author, body="#topic public")
    services.create_post(author, body="#topic followers", visibility=Post.Visibility.FOLLOWERS)
    services.create_post(blocker, body="#topic from someone who blocked me")
    services.create_post(blocked, body="#topic from someone I blocked")
    services.create_post(muted, body="#topic from someone I muted")
    BlockFactory(blocker=blocker, blocked=me)
    BlockFactory(blocker=me, blocked=blocked)
    MuteFactory(muter=me, muted=muted)
    assert tag_page(client, "topic") == [shown]


def test_follow_and_unfollow_a_tag_with_a_plain_form_and_in_place(client, ana):
    url = reverse("posts:tag_follow", args=["Django"])
    response = client.post(url, {"action": "follow"})
    assert (response.status_code, response["Location"]) == (302, "/tags/django/")
    assert list(TagFollow.objects.values_list("user", "tag__name")) == [(ana.pk, "django")]
    assert client.get(reverse("posts:tag", args=["django"])).context["following"] is True
    client.post(url, {"action": "follow"})  # again: still one follow
    assert TagFollow.objects.count() == 1
    response = client.post(url, {"action": "unfollow"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="tag-follow"' in response.content.decode()
    assert "Follow #django" in response.content.decode()
    assert not TagFollow.objects.exists()
    response = client.post(url, {"action": "follow"}, headers={"HX-Request": "true"})
    assert "Unfollow #django" in response.content.decode()
    assert client.post(url, {"action": "bogus"}).status_code == 400
    assert client.post(reverse("posts:tag_follow", args=["123"]), {"action": "follow"}).status_code == 404


def test_following_a_tag_needs_an_account(client):
    response = client.post(reverse("posts:tag_follow", args=["django"]), {"action": "follow"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not TagFollow.objects.exists()
    assert "Follow #django" not in client.get(reverse("posts:tag", args=["django"])).content.decode()


def test_followed_tags_bring_their_public_posts_only_into_the_feed(client, ana):
    stranger, private, blocker, muted = UserFactory.create_batch(4)
    private.profile.is_private = True
    private.profile.save()
    services.follow_tag(ana, "#Django")
    public = services.create_post(stranger, body="#django public")
    # Both visible to ana (they mention her), neither public: the tag does not bring them.
    services.create_post(
        stranger, body="#django for followers, and @ana", visibility=Post.Visibility.FOLLOWERS
    )
    services.create_post(private, body="#django from a private account, to @ana")
    services.create_post(blocker, body="#django from someone who blocked ana")
    services.create_post(muted, body="#django from someone ana muted")
    services.create_post(stranger, body="#python public")
    BlockFactory(blocker=blocker, blocked=ana)
    MuteFactory(muter=ana, muted=muted)
    assert client.get(reverse("posts:home")).context["page"].items == [public]
    services.unfollow_tag(ana, "django")
    assert client.get(reverse("posts:home")).context["page"].items == []


def test_a_followed_tag_does_not_bring_a_reply_below_a_hidden_post(client, ana):
    author = UserFactory()
    FollowFactory(follower=UserFactory(), followee=author)
    hidden = services.create_post(author, body="for followers", visibility=Post.Visibility.FOLLOWERS)
    PostFactory(author=author, reply_to=hidden, body="#django reply")  # public, below a hidden post
    PostTag.objects.create(post=Post.objects.get(reply_to=hidden), tag=Tag.objects.create(name="django"))
    services.follow_tag(ana, "django")
    assert client.get(reverse("posts:home")).context["page"].items == []


def test_trending_counts_visible_public_posts_in_the_window(settings, ana):
    settings.SOCIAL_TRENDING_HOURS = 24
    settings.SOCIAL_TRENDING_SIZE = 2
    author, blocker = UserFactory.create_batch(2)
    for body in ("#django #python", "#django", "#django", "#python", "#rust"):
        services.create_post(author, body=body)
    old = [services.create_post(author, body="#rust old") for _ in range(3)]
    Post.objects.filter(pk__in=[post.pk for post in old]).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    FollowFactory(follower=ana, followee=author)
    for _ in range(3):  # seen by ana but not public, or hidden from her: not counted for her
        services.create_post(author, body="#rust", visibility=Post.Visibility.FOLLOWERS)
        services.create_post(blocker, body="#rust")
    BlockFactory(blocker=blocker, blocked=ana)
    assert [(tag.name, tag.uses) for tag in Tag.objects.trending(ana)] == [("django", 3), ("python", 2)]
    assert [tag.name for tag in Tag.objects.trending(ana, hours=48, size=3)] == ["rust", "django", "python"]
    settings.SOCIAL_TRENDING_HOURS = 0
    assert list(Tag.objects.trending(ana)) == []


def test_trending_counts_only_the_newest_posts_of_the_window(monkeypatch, ana):
    """A bounded sample, whatever the database's statistics: the newest ``TRENDING_SAMPLE`` posts."""
    monkeypatch.setattr(managers, "TRENDING_SAMPLE", 3)
    author = UserFactory()
    for body in ("#old", "#old", "#old", "#new", "#new", "#both #new"):
        services.create_post(author, body=body)
    assert [(tag.name, tag.uses) for tag in Tag.objects.trending(ana)] == [("new", 3), ("both", 1)]


def test_explore_shows_trending_tags(client):
    services.create_post(UserFactory(), body="#django")
    html = client.get(reverse("posts:explore")).content.decode()
    assert 'href="/tags/django/" rel="tag">#django</a> <span class="muted">1 post</span>' in html
