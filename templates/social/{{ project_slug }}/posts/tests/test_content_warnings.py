"""Content warnings: a post's text stays closed behind its warning, in a native ``<details>`` (no JavaScript
needed), on every page that shows a post."""

import re

import pytest
from django.urls import reverse

from ...notifications.models import Notification
from ..models import Post
from ..services import edit_post
from .factories import FollowFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "The butler did it, in chapter twelve."
WARNING = "Spoiler: the novel's ending"
#: The warning's markup: the summary shows the warning, the text is inside the closed <details>.
COLLAPSED = re.compile(
    r'<details class="content-warning">\s*<summary>.*?Content warning.*?'
    + re.escape(WARNING.replace("'", "&#x27;"))
    + r".*?</summary>\s*<div class=\"post-body\">"
    + re.escape(BODY)
    + r"</div>\s*</details>",
    re.DOTALL,
)


def test_the_text_stays_behind_the_warning_on_every_page(client, ana):
    ben = UserFactory(username="ben")
    FollowFactory(follower=ana, followee=ben)
    post = PostFactory(author=ben, body=BODY, content_warning=WARNING)
    pages = [
        reverse("posts:home"),
        reverse("posts:explore"),
        post.get_absolute_url(),
        reverse("profiles:detail", args=["ben"]),
        f"{reverse('posts:search')}?q=butler",
        f"{reverse('graph:report', args=['ben'])}?post={post.pk}",
    ]
    for url in pages:
        content = client.get(url).content.decode()
        assert len(COLLAPSED.findall(content)) == 1, url
        assert content.count(BODY) == 1, url  # nowhere else on the page (the title, a preview…)
        assert '<details class="content-warning" open' not in content, url  # closed until opened
    # The author's own pages keep it closed too, delete confirmation included.
    own = PostFactory(author=ana, body=BODY, content_warning=WARNING)
    assert len(COLLAPSED.findall(client.get(reverse("posts:delete", args=[own.pk])).content.decode())) == 1


def test_a_notification_never_shows_the_text(client, ana):
    post = PostFactory(author=UserFactory(), body=f"@ana {BODY}", content_warning=WARNING)
    Notification.objects.create(
        recipient=ana, kind="mention", post=post, group_key=f"mention:{post.pk}", last_actor=post.author
    )
    content = client.get(reverse("notifications:list")).content.decode()
    assert "mentioned you" in content and BODY not in content


def test_without_a_warning_the_text_is_shown(client, ana):
    post = PostFactory(body=BODY)
    content = client.get(post.get_absolute_url()).content.decode()
    assert f'<div class="post-body">{BODY}</div>' in content
    assert "content-warning" not in content


def test_write_edit_and_clear_a_warning(client, ana):
    response = client.post(
        reverse("posts:create"),
        {"body": BODY, "content_warning": "  Spoiler:\n the  ending ", "visibility": "public"},
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert post.content_warning == "Spoiler: the ending"  # one line, trimmed
    edit = reverse("posts:edit", args=[post.pk])
    assert 'value="Spoiler: the ending"' in client.get(edit).content.decode()
    client.post(edit, {"body": BODY, "content_warning": "", "visibility": "public"})
    post.refresh_from_db()
    assert post.content_warning == ""
    edit_post(post, body="no change to the warning", visibility="public")  # None keeps it
    assert Post.objects.get().content_warning == ""


def test_an_over_long_warning_is_a_form_error(client, ana):
    response = client.post(
        reverse("posts:create"), {"body": BODY, "content_warning": "x" * 201, "visibility": "public"}
    )
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    assert not Post.objects.exists()


def test_the_warning_is_escaped(client, ana):
    post = PostFactory(body=BODY, content_warning="<b>loud</b>")
    content = client.get(post.get_absolute_url()).content.decode()
    assert "<b>loud</b>" not in content and "&lt;b&gt;loud&lt;/b&gt;" in content


def test_a_reply_starts_with_its_parents_warning(client, ana):
    post = PostFactory(body=BODY, content_warning=WARNING)
    form = client.get(post.get_absolute_url()).context["form"]
    assert form.initial["content_warning"] == WARNING
    client.post(
        reverse("posts:reply", args=[post.pk]),
        {"body": "No!", "content_warning": WARNING, "visibility": "public"},
    )
    assert Post.objects.get(reply_to=post).content_warning == WARNING


def test_search_finds_the_warning_too(client):
    post = PostFactory(body=BODY, content_warning=WARNING)
    assert list(client.get(reverse("posts:search"), {"q": "novel's"}).context["page"].items) == [post]
