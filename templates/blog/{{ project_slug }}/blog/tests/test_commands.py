from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ..models import Category, Comment, Post, Tag

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


def test_load_demo_data_is_idempotent():
    first = run()
    assert "Created post Hello, world" in first
    counts = (Post.published.count(), Category.objects.count(), Tag.objects.count(), Comment.objects.count())
    assert counts[0] >= 3
    assert Comment.objects.approved().count() == counts[3] > 0

    second = run()
    assert "Created" not in second
    assert (
        Post.published.count(),
        Category.objects.count(),
        Tag.objects.count(),
        Comment.objects.count(),
    ) == counts


def test_demo_users_cannot_log_in():
    run()
    demo = get_user_model().objects.get(username="demo")
    assert not demo.has_usable_password()


def test_flush_recreates_the_demo_posts():
    run()
    Post.objects.filter(author__username="demo").update(title="Changed")
    output = run("--flush")
    assert "Flushed" in output
    assert Post.objects.filter(title="Hello, world").exists()
    assert not Post.objects.filter(title="Changed").exists()


def test_home_page_shows_demo_posts(client):
    run()
    assert "Querying without N+1" in client.get("/").content.decode()
