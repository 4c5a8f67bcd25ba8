"""The kept post counts of categories and tags and the blog's total (counts.py): right after every kind of
write, and cheap to read."""

from datetime import timedelta
from functools import partial

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ...core.tests.concurrency import postgresql_only, run_all_at_once
from ..counts import published_total, recount_all
from ..models import Category, Post, PostTotal, Tag
from ..sidebar import _build
from .factories import CategoryFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


ALL = "all posts"


def kept() -> dict[str, int | None]:
    """Every category's and tag's kept count, and the kept total."""
    archives = [*Category.objects.all(), *Tag.objects.all()]
    total = PostTotal.objects.filter(pk=PostTotal.ROW).values_list("published_posts", flat=True).first()
    return {**{archive.name: archive.published_posts for archive in archives}, ALL: total}


def counted() -> dict[str, int]:
    """The same counts, computed from the posts."""
    published = Count("posts", filter=Q(posts__status=Post.Status.PUBLISHED))
    archives = [*Category.objects.annotate(n=published), *Tag.objects.annotate(n=published)]
    total = Post.objects.filter(status=Post.Status.PUBLISHED).count()
    return {**{archive.name: archive.n for archive in archives}, ALL: total}


def test_the_counts_follow_every_kind_of_write():
    news, notes = CategoryFactory(name="News"), CategoryFactory(name="Notes")
    django, python = TagFactory(name="django"), TagFactory(name="python")
    steps = []

    def step(name: str) -> None:
        steps.append((name, kept() == counted(), kept()))

    post = PostFactory(category=news, tags=[django, python])
    step("published with a category and two tags")
    draft = PostFactory(category=news, tags=[django], draft=True)
    step("a draft")
    draft.status = Post.Status.PUBLISHED
    draft.save()
    step("the draft published")
    post.category = notes
    post.save()
    step("moved to another category")
    post.tags.remove(python)
    step("a tag taken off")
    python.posts.add(post, draft)
    step("posts added to a tag (the reverse side)")
    post.tags.clear()
    step("its tags cleared")
    django.posts.clear()
    step("a tag's posts cleared (the reverse side)")
    post.tags.set([django])
    step("its tags set")
    post.status = Post.Status.DRAFT
    post.save()
    step("turned back into a draft")
    draft.delete()
    step("a published post deleted")
    Post.objects.all().delete()
    step("every post deleted")
    assert [(name, right) for name, right, _ in steps] == [(name, True) for name, _, _ in steps], steps
    assert kept() == {"News": 0, "Notes": 0, "django": 0, "python": 0, ALL: 0}


def test_deleting_an_author_recounts_what_their_posts_were_in():
    author, other = UserFactory(), UserFactory()
    news, django = CategoryFactory(name="News"), TagFactory(name="django")
    PostFactory.create_batch(3, author=author, category=news, tags=[django])
    PostFactory(author=other, category=news, tags=[django])
    author.delete()
    assert kept() == counted() == {"News": 1, "django": 1, ALL: 1}


def test_the_admin_actions_recount(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    news, django = CategoryFactory(name="News"), TagFactory(name="django")
    posts = [PostFactory(category=news, tags=[django], draft=True) for _ in range(2)]
    changelist = reverse("admin:blog_post_changelist")
    chosen = {"_selected_action": [post.pk for post in posts]}
    client.post(changelist, {"action": "publish", **chosen})
    assert kept() == counted() == {"News": 2, "django": 2, ALL: 2}
    client.post(changelist, {"action": "make_draft", **chosen})
    assert kept() == counted() == {"News": 0, "django": 0, ALL: 0}


def test_recount_all_repairs_counts_after_writes_that_send_no_signal():
    news = CategoryFactory(name="News")
    post = PostFactory(category=news, tags=[TagFactory(name="django")])
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)  # no signal: the counts are stale
    assert kept() != counted()
    recount_all()
    assert kept() == counted() == {"News": 0, "django": 0, ALL: 0}


def test_the_total_leaves_scheduled_posts_out_until_they_are_due_and_drafts_out():
    PostFactory.create_batch(2)
    soon = PostFactory(published_at=timezone.now() + timedelta(hours=1))
    PostFactory(draft=True)
    assert kept()[ALL] == 3  # the scheduled post is kept in the total
    assert published_total() == 2  # but not out yet
    Post.objects.filter(pk=soon.pk).update(published_at=timezone.now() - timedelta(minutes=1))  # now due
    assert published_total() == 3


def test_the_total_is_read_in_one_statement_that_counts_only_scheduled_posts():
    PostFactory.create_batch(3)
    PostFactory(published_at=timezone.now() + timedelta(hours=1))
    with CaptureQueriesContext(connection) as captured:
        assert published_total() == 3
    (sql,) = [query["sql"] for query in captured]
    assert '"published_at" >' in sql  # the posts counted are the scheduled ones only


def test_home_page_and_api_list_are_paginated_by_the_kept_total(client):
    """Nothing counts the posts for the home page: a total made wrong on purpose is what it shows, until
    ``recount_all()`` mends it."""
    PostFactory.create_batch(3)
    PostTotal.objects.update(published_posts=F("published_posts") + 100)
    home = reverse("blog:post_list")
    assert client.get(home).context["page_obj"].paginator.count == 103
    recount_all()
    assert client.get(home).context["page_obj"].paginator.count == 3


def test_a_total_left_stale_below_the_scheduled_posts_still_serves_the_home_page(client):
    PostFactory(published_at=timezone.now() + timedelta(hours=1))
    PostTotal.objects.update(published_posts=0)  # as after a bulk_create() with no recount
    assert published_total() == 0
    assert client.get(reverse("blog:post_list")).status_code == 200


def test_a_blog_without_its_total_row_counts_the_posts(client):
    PostFactory.create_batch(2)
    PostTotal.objects.all().delete()
    assert published_total() is None
    assert client.get(reverse("blog:post_list")).context["page_obj"].paginator.count == 2


def test_the_sidebar_leaves_scheduled_posts_out_until_they_are_due():
    news, django = CategoryFactory(name="News"), TagFactory(name="django")
    PostFactory(category=news, tags=[django])
    soon = PostFactory(category=news, tags=[django], published_at=timezone.now() + timedelta(hours=1))
    sidebar = _build()
    assert [(item.name, item.num_posts) for item in sidebar["categories"] + sidebar["tags"]] == [
        ("News", 1),
        ("django", 1),
    ]
    Post.objects.filter(pk=soon.pk).update(published_at=timezone.now() - timedelta(minutes=1))  # now due
    sidebar = _build()
    assert [(item.name, item.num_posts) for item in sidebar["categories"] + sidebar["tags"]] == [
        ("News", 2),
        ("django", 2),
    ]


def test_the_sidebar_lists_the_busiest_tags_even_when_scheduled_posts_are_left_out():
    busy = TagFactory(name="busy")  # the highest kept count, but none of its posts is out yet
    PostFactory.create_batch(3, tags=[busy], published_at=timezone.now() + timedelta(hours=1))
    quiet = [TagFactory(name=f"quiet-{n:02}") for n in range(21)]
    for tag in quiet:
        PostFactory(tags=[tag])
    PostFactory(tags=quiet[:1])
    names = [tag.name for tag in _build()["tags"]]
    # The 20 busiest once out: quiet-00 (2 posts), then the others with 1 by name. Reading only the 20
    # highest kept counts would have brought busy in and left 19.
    assert names == [f"quiet-{n:02}" for n in range(20)]


def test_the_sidebar_reads_the_kept_counts_not_the_posts():
    """Building the sidebar counts no posts (no aggregate over the posts table): the same queries at 3
    and 30 posts, and its cost is the categories, the tags and the scheduled posts."""

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            _build()
        return [query["sql"] for query in captured]

    news = CategoryFactory(name="News")
    PostFactory.create_batch(3, category=news, tags=[TagFactory()])
    few = queries()
    PostFactory.create_batch(27, category=news, tags=[TagFactory()])
    assert len(queries()) == len(few) == 3
    assert not [sql for sql in few if "COUNT(" in sql.upper()]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_posts_published_at_once_in_one_category_and_tag_are_all_counted():
    """Six writers publish a post into the same category and tag at the same moment: each recount waits
    for the row lock, then counts every post committed so far, so none is missed."""
    news, django = CategoryFactory(name="News"), TagFactory(name="django")
    author = UserFactory()

    def publish(title: str) -> None:
        with transaction.atomic():
            post = Post.objects.create(
                author=author, title=title, body="Text.", status=Post.Status.PUBLISHED, category=news
            )
            post.tags.add(django)

    outcomes = run_all_at_once([partial(publish, f"Post {n}") for n in range(6)])
    assert outcomes == [None] * 6, outcomes
    assert kept() == counted() == {"News": 6, "django": 6, ALL: 6}
