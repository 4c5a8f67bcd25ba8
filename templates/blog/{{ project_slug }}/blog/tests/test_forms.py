import pytest

from ..forms import MAX_TAGS, CommentForm, PostForm
from .factories import TagFactory

pytestmark = pytest.mark.django_db


def post_data(**overrides) -> dict:
    return {"title": "A title", "excerpt": "", "body": "Some body", "status": "draft", **overrides}


def test_valid_post_form():
    form = PostForm(data=post_data())
    assert form.is_valid(), form.errors


def test_title_needs_letters_or_digits():
    form = PostForm(data=post_data(title="?!"))
    assert not form.is_valid()
    assert "at least one letter" in form.errors["title"][0]


def test_body_is_required():
    form = PostForm(data=post_data(body=""))
    assert not form.is_valid()
    assert "body" in form.errors


def test_excerpt_is_limited():
    form = PostForm(data=post_data(excerpt="x" * 301))
    assert not form.is_valid()
    assert "excerpt" in form.errors


def test_status_must_be_a_choice():
    form = PostForm(data=post_data(status="archived"))
    assert not form.is_valid()
    assert "status" in form.errors


def test_too_many_tags():
    tags = TagFactory.create_batch(MAX_TAGS + 1)
    form = PostForm(data=post_data(tags=[tag.pk for tag in tags]))
    assert not form.is_valid()
    assert form.errors["tags"] == [f"Choose at most {MAX_TAGS} tags."]


def test_comment_form():
    assert CommentForm(data={"body": "Thanks for this"}).is_valid()
    assert not CommentForm(data={"body": " x "}).is_valid()
    assert not CommentForm(data={"body": "x" * 3001}).is_valid()


def test_cover_image_accepted(png_file):
    form = PostForm(data=post_data(), files={"cover": png_file()})
    assert form.is_valid(), form.errors


def test_cover_with_wrong_extension_is_rejected(png_file):
    form = PostForm(data=post_data(), files={"cover": png_file(name="cover.svg")})
    assert not form.is_valid()
    assert "cover" in form.errors


def test_cover_that_is_not_an_image_is_rejected():
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("cover.png", b"<?php echo 'not an image'; ?>", content_type="image/png")
    form = PostForm(data=post_data(), files={"cover": fake})
    assert not form.is_valid()
    assert "cover" in form.errors


def test_oversized_cover_is_rejected(settings, png_file):
    settings.IMAGE_UPLOAD_MAX_BYTES = 50
    form = PostForm(data=post_data(), files={"cover": png_file(size=(64, 64))})
    assert not form.is_valid()
    assert "too large" in form.errors["cover"][0]


def test_uploaded_cover_is_stored_under_covers(client, png_file, settings):
    from .factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    response = client.post("/write/", {**post_data(status="published"), "cover": png_file()})
    assert response.status_code == 302
    post = user.posts.get()
    assert post.cover.name.startswith("covers/")
    assert (settings.MEDIA_ROOT / post.cover.name).exists()
    assert post.cover.url in client.get("/").content.decode()
