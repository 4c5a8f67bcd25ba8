"""The author's dashboard ("My posts") kept per session (core/page_cache.py, ``signed_in_page_cache``)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..models import Comment
from .factories import CommentFactory, PostFactory, UserFactory

MY_POSTS = "/my-posts/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def _blog_queries(client, path=MY_POSTS):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries if "blog_" in query["sql"]]


def _warm(client):
    """The first page sets the CSRF cookie (not kept: the secret is new), the second is kept."""
    client.get(MY_POSTS)
    client.get(MY_POSTS)


def test_my_posts_is_kept_per_session_and_renewed_when_a_post_or_comment_changes(client, post, author):
    client.force_login(author)
    _warm(client)
    response, queries = _blog_queries(client)
    assert queries == []  # the whole page came from the cache
    assert post.title in response.content.decode()

    post.title = "A renamed post"
    post.save()
    assert "A renamed post" in client.get(MY_POSTS).content.decode()
    CommentFactory(post=post, is_approved=False, body="Waiting for you")
    assert "Waiting for you" in client.get(MY_POSTS).content.decode()
    PostFactory(author=author, title="A second post", draft=True)
    assert "A second post" in client.get(MY_POSTS).content.decode()


def test_another_author_never_gets_someone_elses_dashboard(client, post, author, other_user):
    client.force_login(author)
    _warm(client)
    other = Client()
    other.force_login(other_user)
    page = other.get(MY_POSTS).content.decode()
    assert post.title not in page
    assert "You have not written any posts yet." in page


def test_the_kept_pages_forms_work_and_their_message_is_shown(author, post):
    comment = CommentFactory(post=post, is_approved=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    _warm(client)
    _, queries = _blog_queries(client)
    assert queries == []
    page = client.get(MY_POSTS).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    url = reverse("blog:comment_moderate", args=[comment.pk])
    response = client.post(url, {"csrfmiddlewaretoken": token, "action": "approve"})
    assert response.status_code == 302  # not 403: the kept page's token is valid for this session
    assert Comment.objects.get(pk=comment.pk).is_approved
    page = client.get(MY_POSTS).content.decode()
    assert "The comment was approved." in page  # the message waiting: the view ran
    assert "Comments waiting for approval" not in page
    assert "The comment was approved." not in client.get(MY_POSTS).content.decode()


def test_a_renamed_author_sees_the_new_name_at_once(client, author, post):
    client.force_login(author)
    _warm(client)
    author.name = "Grace Hopper"
    author.save()
    assert "Grace Hopper" in client.get(MY_POSTS).content.decode()


def test_signing_out_and_in_as_someone_else_gets_their_own_page(client, author, post):
    client.force_login(author)
    _warm(client)
    client.logout()
    assert client.get(MY_POSTS).status_code == 302  # to the login page
    someone = UserFactory(username="someone")
    client.force_login(someone)
    assert post.title not in client.get(MY_POSTS).content.decode()
