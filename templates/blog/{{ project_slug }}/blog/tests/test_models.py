from datetime import timedelta

import pytest
from django.utils import timezone

from ..models import Category, Comment, Post, Tag
from .factories import CategoryFactory, CommentFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_published_manager_excludes_drafts_and_future_posts(author):
    live = PostFactory(author=author)
    PostFactory(author=author, draft=True)
    PostFactory(author=author, published_at=timezone.now() + timedelta(days=2))

    assert list(Post.published.all()) == [live]
    assert list(Post.objects.published()) == [live]
    assert Post.objects.count() == 3


def test_visible_to_shows_own_drafts_only(author, other_user):
    live = PostFactory()
    own_draft = PostFactory(author=author, draft=True)
    PostFactory(author=other_user, draft=True)

    assert set(Post.objects.visible_to(author)) == {live, own_draft}
    assert set(Post.objects.visible_to(other_user)) == {live, *other_user.posts.all()}


def test_visible_to_anonymous_is_published_only(draft, post):
    from django.contrib.auth.models import AnonymousUser

    assert list(Post.objects.visible_to(AnonymousUser())) == [post]


def test_publishing_sets_the_publication_date(draft):
    assert draft.published_at is None
    draft.status = Post.Status.PUBLISHED
    draft.save()
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert draft.published_at <= timezone.now()
    assert draft.is_published


def test_ordering_newest_first_with_drafts_last(author):
    older = PostFactory(author=author, published_at=timezone.now() - timedelta(days=5))
    newer = PostFactory(author=author, published_at=timezone.now() - timedelta(days=1))
    draft = PostFactory(author=author, draft=True)
    assert list(Post.objects.all()) == [newer, older, draft]


def test_slug_is_generated_from_title_and_unique(author):
    first = PostFactory(author=author, title="Hello, World!")
    second = PostFactory(author=author, title="Hello world")
    third = PostFactory(author=author, title="hello WORLD")
    assert (first.slug, second.slug, third.slug) == ("hello-world", "hello-world-2", "hello-world-3")


def test_a_slug_taken_between_the_check_and_the_insert_moves_to_the_next_one(author, monkeypatch):
    """What two requests publishing the same title at the same moment meet: the unique index refuses the
    slug that both found free, and the loser takes the next one instead of failing with a 500."""
    from ...core import slugs

    PostFactory(author=author, title="Hello")
    checks = iter(["hello"])  # the first check runs before the other request's row existed
    real = slugs.unique_slug

    def racing_unique_slug(*args, **kwargs):
        return next(checks, None) or real(*args, **kwargs)

    monkeypatch.setattr(slugs, "unique_slug", racing_unique_slug)
    assert PostFactory(author=author, title="Hello").slug == "hello-2"


def test_slug_is_kept_on_save(post):
    slug = post.slug
    post.title = "A new title"
    post.save()
    assert post.slug == slug


def test_slug_fallback_for_titles_without_letters(author):
    assert PostFactory(author=author, title="???").slug == "post"


def test_category_and_tag_slugs():
    assert CategoryFactory(name="Web Development").slug == "web-development"
    assert TagFactory(name="Django ORM").slug == "django-orm"


def test_str_and_urls(post):
    category = Category.objects.create(name="News")
    tag = Tag.objects.create(name="python")
    comment = CommentFactory(post=post, body="Nice")
    assert str(post) == "A published post"
    assert post.get_absolute_url() == f"/posts/{post.slug}/"
    assert category.get_absolute_url() == "/category/news/"
    assert tag.get_absolute_url() == "/tag/python/"
    assert str(category) == "News"
    assert str(tag) == "python"
    assert "Nice" in str(comment)
    assert comment.get_absolute_url() == f"/posts/{post.slug}/#comment-{comment.pk}"


def test_summary_falls_back_to_body(author):
    post = PostFactory(author=author, excerpt="", body="word " * 100)
    assert post.summary.endswith("…")
    assert len(post.summary.split()) == 40


def test_comment_queryset(post):
    approved = CommentFactory(post=post, is_approved=True)
    pending = CommentFactory(post=post, is_approved=False)
    assert list(Comment.objects.approved()) == [approved]
    assert list(Comment.objects.pending()) == [pending]


def test_comment_counts_are_counted_per_post_shown_without_grouping_every_post(post):
    CommentFactory.create_batch(2, post=post)
    CommentFactory(post=post, is_approved=False)
    quiet = PostFactory()

    counted = Post.objects.with_comment_count(pending=True).newest_first()
    assert {p.pk: (p.num_comments, p.num_pending) for p in counted} == {post.pk: (2, 1), quiet.pk: (0, 0)}
    # A join with GROUP BY would count the comments of every post before a page's LIMIT applies.
    assert counted.query.group_by is None


def test_search_matches_title_excerpt_and_body(author):
    by_title = PostFactory(author=author, title="Django tips", excerpt="", body="-")
    by_excerpt = PostFactory(author=author, title="x", excerpt="About DJANGO", body="-")
    by_body = PostFactory(author=author, title="y", excerpt="", body="I like django.")
    PostFactory(author=author, title="z", excerpt="", body="Flask")
    assert set(Post.objects.search("django")) == {by_title, by_excerpt, by_body}
    assert not Post.objects.search("   ").exists()


def test_deleting_an_author_deletes_posts_but_category_survives():
    user = UserFactory()
    category = CategoryFactory()
    PostFactory(author=user, category=category)
    user.delete()
    assert Post.objects.count() == 0
    assert Category.objects.filter(pk=category.pk).exists()
