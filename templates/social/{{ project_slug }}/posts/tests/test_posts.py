import pytest
from django.urls import reverse

from ...notifications.models import Notification
from .. import views
from ..models import Like, Mention, Post
from ..services import PostError, create_post, mentioned_usernames
from .factories import BlockFactory, FollowFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_write_a_post(client, ana):
    response = client.post(reverse("posts:create"), {"body": "  Hello world  ", "visibility": "public"})
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert (post.author, post.body) == (ana, "Hello world")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 501, "at most 500 characters"),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_bad_posts_get_a_form_error(client, ana, body, message):
    response = client.post(reverse("posts:create"), {"body": body, "visibility": "public"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Post.objects.exists()


def test_unknown_visibility_is_a_form_error(client, ana):
    response = client.post(reverse("posts:create"), {"body": "hi", "visibility": "everyone"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_text_is_escaped_and_mentions_are_linked(client, ana):
    """A mention links only to someone stored as mentioned: ``@nobody`` names no account, so it stays text
    (and never leads to whoever takes the name later)."""
    ben = UserFactory(username="ben")
    post = PostFactory(author=ana, body='<script>alert("x")</script> hi @ben and @nobody.')
    Mention.objects.create(post=post, user=ben)
    content = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert (
        f'<a href="{reverse("profiles:detail", kwargs={"username": "ben"})}" class="mention">@ben</a>'
        in content
    )
    assert "/people/nobody/" not in content and "and @nobody." in content


def test_mentions_are_parsed_once_and_bounded():
    assert mentioned_usernames("@ana, @ben. @ana email@example.com @c.d.") == ["ana", "ben", "c.d"]
    assert len(mentioned_usernames(" ".join(f"@u{n}" for n in range(30)))) == 10


def test_mentions_skip_the_author_unknown_and_blocked_people(ana):
    ben, cleo = UserFactory(username="ben"), UserFactory(username="cleo")
    BlockFactory(blocker=cleo, blocked=ana)
    post = create_post(ana, body="@ana @ben @cleo @ghost")
    assert list(post.mentions.all()) == [ben]
    assert Notification.objects.get().recipient == ben


def test_edit_own_post_only(client, ana):
    post = PostFactory(author=ana, body="first @ben")
    ben = UserFactory(username="ben")
    response = client.post(
        reverse("posts:edit", kwargs={"pk": post.pk}), {"body": "second", "visibility": "followers"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.body, post.visibility) == ("second", "followers")
    assert post.edited_at is not None
    others = PostFactory(author=ben)
    assert client.get(reverse("posts:edit", kwargs={"pk": others.pk})).status_code == 404
    assert client.post(reverse("posts:delete", kwargs={"pk": others.pk})).status_code == 404
    assert Post.objects.filter(pk=others.pk).exists()


def test_edit_rejects_an_empty_text(client, ana):
    post = PostFactory(author=ana, body="keep me")
    response = client.post(
        reverse("posts:edit", kwargs={"pk": post.pk}), {"body": " ", "visibility": "public"}
    )
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.body == "keep me"


def test_delete_own_post_with_its_replies(client, ana):
    post = PostFactory(author=ana)
    PostFactory(reply_to=post)
    assert client.get(reverse("posts:delete", kwargs={"pk": post.pk})).status_code == 200
    response = client.post(reverse("posts:delete", kwargs={"pk": post.pk}))
    assert response.status_code == 302
    assert not Post.objects.exists()


def test_reply_notifies_and_deleting_it_takes_the_notification_back(client, ana):
    ben = UserFactory(username="ben")
    post = PostFactory(author=ben)
    response = client.post(
        reverse("posts:reply", kwargs={"pk": post.pk}), {"body": "Nice!", "visibility": "public"}
    )
    reply = Post.objects.get(reply_to=post)
    assert response["Location"].endswith(f"#post-{reply.pk}")
    assert Notification.objects.get().summary == "Ana replied to your post"
    client.post(reverse("posts:delete", kwargs={"pk": reply.pk}))
    assert not Notification.objects.exists()


def test_replies_are_shown_under_the_post(client, ana):
    post = PostFactory(author=ana)
    PostFactory(reply_to=post, body="first reply")
    PostFactory(reply_to=post, body="second reply")
    response = client.get(post.get_absolute_url())
    assert [reply.body for reply in response.context["replies"]] == ["first reply", "second reply"]


def test_an_invalid_reply_shows_the_post_again_with_the_error(client, ana):
    post = PostFactory()
    response = client.post(
        reverse("posts:reply", kwargs={"pk": post.pk}), {"body": "", "visibility": "public"}
    )
    assert response.status_code == 400
    assert response.context["post"] == post
    assert not Post.objects.filter(reply_to=post).exists()


def test_like_once_and_unlike(client, ana):
    post = PostFactory()
    url = reverse("posts:like", kwargs={"pk": post.pk})
    assert client.post(url, {"action": "like", "next": "/explore/"})["Location"] == "/explore/"
    client.post(url, {"action": "like"})
    assert Like.objects.filter(post=post, user=ana).count() == 1
    assert Notification.objects.get().actor_count == 1
    client.post(url, {"action": "unlike"})
    assert not Like.objects.exists()
    assert not Notification.objects.exists()


def test_like_and_unlike_in_place(client, ana):
    post = PostFactory()
    url = reverse("posts:like", kwargs={"pk": post.pk})
    htmx = {"HX-Request": "true"}
    response = client.post(url, {"action": "like", "next": "/explore/#post-1"}, headers=htmx)
    assert response.status_code == 200
    assert response.templates[0].name == "posts/partials/like.html"
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="like-control" id="like-{post.pk}">')
    assert 'value="unlike"' in html and "1 like<" in html
    assert 'value="/explore/#post-1"' in html  # the fragment's form still goes back to the page
    response = client.post(url, {"action": "unlike"}, headers=htmx)
    assert 'value="like"' in response.content.decode() and "0 likes" in response.content.decode()
    assert not Like.objects.exists()
    # The full page renders the same fragment, so a swap changes nothing else.
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'hx-post="{url}" hx-target="#like-{post.pk}"' in page


def test_like_rejects_unknown_actions_and_foreign_redirects(client, ana):
    post = PostFactory()
    url = reverse("posts:like", kwargs={"pk": post.pk})
    assert client.post(url, {"action": "love"}).status_code == 400
    response = client.post(url, {"action": "like", "next": "https://evil.example/"})
    assert response["Location"] == post.get_absolute_url()


def test_like_count_and_liked_flag(client, ana):
    post = PostFactory()
    Like.objects.create(post=post, user=ana)
    Like.objects.create(post=post, user=UserFactory())
    card = client.get(post.get_absolute_url()).context["post"]
    assert (card.like_count, card.liked) == (2, True)


def test_anonymous_people_are_sent_to_log_in(client):
    post = PostFactory()
    for url in (reverse("posts:create"), reverse("posts:edit", kwargs={"pk": post.pk})):
        assert client.get(url).status_code == 302
    assert client.post(reverse("posts:like", kwargs={"pk": post.pk}), {"action": "like"}).status_code == 302
    assert not Like.objects.exists()


def test_the_service_refuses_empty_and_over_long_text(ana):
    with pytest.raises(PostError, match="cannot be empty"):
        create_post(ana, body="  ")
    with pytest.raises(PostError, match="at most 500 characters"):
        create_post(ana, body="x" * 501)


def test_reply_to_an_invisible_post_is_refused_by_the_service(ana):
    hidden = PostFactory(visibility=Post.Visibility.FOLLOWERS)
    with pytest.raises(PostError, match="cannot reply"):
        create_post(ana, body="hi", reply_to=hidden)


def test_search(client):
    PostFactory(body="Django channels are fun")
    PostFactory(body="Nothing here")
    response = client.get(reverse("posts:search"), {"q": "CHANNELS"})
    assert [post.body for post in response.context["page"].items] == ["Django channels are fun"]
    assert client.get(reverse("posts:search")).context["page"].items == []


def test_home_page_for_anonymous_visitors_is_the_public_timeline(client):
    PostFactory(body="public news")
    response = client.get("/")
    assert response.status_code == 200
    assert "public news" in response.content.decode()
    assert not response.context["is_feed"]


@pytest.mark.parametrize(
    ("parent_visibility", "parent_private", "author_private", "expected"),
    [
        ("public", False, False, "public"),
        ("followers", False, False, "followers"),  # never wider than the post it answers
        ("public", True, False, "followers"),  # a private account's post reaches its followers only
        ("public", False, True, "followers"),  # the author's own default is narrower
    ],
)
def test_a_reply_starts_with_the_narrower_visibility(
    client, ana, parent_visibility, parent_private, author_private, expected
):
    parent = PostFactory(visibility=parent_visibility)
    parent.author.profile.is_private = parent_private
    parent.author.profile.save()
    ana.profile.is_private = author_private
    ana.profile.save()
    FollowFactory(follower=ana, followee=parent.author)
    form = client.get(parent.get_absolute_url()).context["form"]
    assert form["visibility"].value() == expected


def test_a_new_post_starts_with_the_author_default(client, ana):
    assert client.get(reverse("posts:create")).context["form"]["visibility"].value() == "public"
    ana.profile.is_private = True
    ana.profile.save()
    assert client.get(reverse("posts:create")).context["form"]["visibility"].value() == "followers"


def test_the_compose_fields_are_rendered_once_for_each_audience_and_limit(settings, monkeypatch):
    """The home page's compose box: kept per process for each starting audience and limit (not with DEBUG)."""
    monkeypatch.setattr(views, "_compose_fields", {})
    public, private = UserFactory(), UserFactory()
    private.profile.is_private = True
    private.profile.save()
    first = views.compose_fields(public)
    assert views.compose_fields(UserFactory()) is first  # the same HTML for every public account
    assert '<option value="public" selected>' in first and 'name="media-image_1"' in first
    narrow = views.compose_fields(private)
    assert '<option value="followers" selected>' in narrow and views.compose_fields(private) is narrow
    settings.SOCIAL_POST_MAX_LENGTH = 42
    assert 'maxlength="42"' in views.compose_fields(public) and 'maxlength="42"' not in first
    settings.DEBUG = True
    assert views.compose_fields(public) is not views.compose_fields(public)  # template edits show at once
