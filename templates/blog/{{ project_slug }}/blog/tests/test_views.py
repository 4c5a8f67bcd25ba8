import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ..models import Comment, Post
from ..sidebar import CACHE_KEY
from .factories import CategoryFactory, CommentFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def login_url(settings, next_url: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?next={next_url}"


# Lists, archives and search ------------------------------------------------------------------


def test_home_lists_published_posts_only(client, post, draft):
    PostFactory(title="Scheduled for later", published_at=timezone.now() + timedelta(days=1))
    response = client.get("/")
    assert response.status_code == 200
    assert list(response.context["posts"]) == [post]
    content = response.content.decode()
    assert "A published post" in content
    assert "A secret draft" not in content
    assert "Scheduled for later" not in content


def test_home_is_paginated(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    PostFactory.create_batch(3)
    first = client.get("/")
    assert len(first.context["posts"]) == 2
    assert first.context["is_paginated"]
    second = client.get("/?page=2")
    assert len(second.context["posts"]) == 1
    assert client.get("/?page=9").status_code == 404


def _post_with_relations(**kwargs) -> Post:
    return PostFactory(
        author=UserFactory(), category=CategoryFactory(), tags=TagFactory.create_batch(2), **kwargs
    )


def _count_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_home_query_count_is_constant_as_posts_grow(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 50
    for _ in range(3):
        _post_with_relations()
    with_3 = _count_queries(client, "/")
    for _ in range(12):
        _post_with_relations()
    with_15 = _count_queries(client, "/")
    assert len(client.get("/").context["posts"]) == 15
    assert with_15 == with_3


def test_archive_and_search_query_counts_are_constant(client, settings):
    category = CategoryFactory(slug="news")
    for _ in range(3):
        PostFactory(category=category, title="Findable", tags=TagFactory.create_batch(2))
    category_3 = _count_queries(client, "/category/news/")
    search_3 = _count_queries(client, "/search/?q=findable")
    for _ in range(7):
        PostFactory(category=category, title="Findable", tags=TagFactory.create_batch(2))
    assert _count_queries(client, "/category/news/") == category_3
    assert _count_queries(client, "/search/?q=findable") == search_3


def test_category_archive(client):
    news = CategoryFactory(name="News", description="What happened.")
    in_news = PostFactory(category=news)
    PostFactory(category=CategoryFactory())
    PostFactory(category=news, draft=True)
    response = client.get(news.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["posts"]) == [in_news]
    assert "Category: News" in response.content.decode()
    assert client.get("/category/missing/").status_code == 404


def test_tag_archive(client):
    tag = TagFactory(name="django")
    tagged = PostFactory(tags=[tag])
    PostFactory(tags=[TagFactory()])
    response = client.get(tag.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["posts"]) == [tagged]
    assert client.get("/tag/missing/").status_code == 404


def test_search(client, author):
    match = PostFactory(author=author, title="All about pytest")
    PostFactory(author=author, title="Pytest drafts stay hidden", draft=True)
    PostFactory(author=author, title="Something else", excerpt="", body="nothing")
    response = client.get(reverse("blog:search"), {"q": "PYTEST"})
    assert response.status_code == 200
    assert list(response.context["posts"]) == [match]
    assert response.context["query_string"] == "q=PYTEST"
    assert "1 result for" in response.content.decode()


def _search_landmarks(content: str) -> list[str]:
    return re.findall(r"<form[^>]*\brole=\"search\"[^>]*>", content)


def test_search_page_has_one_search_landmark_with_a_name(client, post):
    """The sidebar's search form stays off the search page, whose own form is the one to use."""
    landmarks = _search_landmarks(client.get(reverse("blog:search"), {"q": "pytest"}).content.decode())
    assert len(landmarks) == 1
    assert 'aria-label="Search posts"' in landmarks[0]


def test_sidebar_search_has_a_name(client, post):
    landmarks = _search_landmarks(client.get("/").content.decode())
    assert len(landmarks) == 1
    assert 'aria-label="Search posts"' in landmarks[0]


def test_search_without_query_shows_the_form_only(client, post):
    response = client.get(reverse("blog:search"), {"q": "  "})
    assert response.status_code == 200
    assert list(response.context["posts"]) == []


def test_search_input_is_escaped_and_harmless(client, post):
    response = client.get(reverse("blog:search"), {"q": "<script>alert(1)</script>' OR 1=1 --"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert list(response.context["posts"]) == []


# Detail and drafts ------------------------------------------------------------------------------


def test_detail_shows_post_and_approved_comments_only(client, post):
    CommentFactory(post=post, body="Approved words")
    CommentFactory(post=post, body="Pending words", is_approved=False)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "A published post" in content
    assert "Approved words" in content
    assert "Pending words" not in content
    assert "Sign in" in content


def test_draft_is_404_for_anonymous_and_other_users(client, draft, other_user):
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(other_user)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_draft_is_visible_to_its_author(client, draft, author):
    client.force_login(author)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "only you can see it" in response.content.decode()


def test_future_post_is_404_for_readers(client):
    scheduled = PostFactory(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404


# Writing posts ----------------------------------------------------------------------------------


def test_write_requires_login(client, settings):
    url = reverse("blog:post_create")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == login_url(settings, url)


def test_author_creates_a_post(client, author):
    client.force_login(author)
    category = CategoryFactory()
    tag = TagFactory()
    response = client.post(
        reverse("blog:post_create"),
        {
            "title": "  My first post  ",
            "excerpt": "Short",
            "body": "Long enough body.",
            "category": category.pk,
            "tags": [tag.pk],
            "status": "published",
        },
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    assert post.author == author
    assert post.title == "My first post"
    assert post.slug == "my-first-post"
    assert post.is_published
    assert list(post.tags.all()) == [tag]


def test_create_form_errors_are_shown(client, author):
    client.force_login(author)
    response = client.post(reverse("blog:post_create"), {"title": "!!!", "body": "", "status": "draft"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"title", "body"}
    assert not Post.objects.exists()


def test_author_edits_own_post(client, author, post):
    client.force_login(author)
    url = reverse("blog:post_update", kwargs={"slug": post.slug})
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Edited", "body": "New body", "status": "published"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.body) == ("Edited", "New body")


def test_author_cannot_edit_or_delete_another_authors_post(client, other_user, post):
    client.force_login(other_user)
    update = reverse("blog:post_update", kwargs={"slug": post.slug})
    delete = reverse("blog:post_delete", kwargs={"slug": post.slug})
    assert client.get(update).status_code == 404
    assert client.post(update, {"title": "Hacked", "body": "x", "status": "draft"}).status_code == 404
    assert client.post(delete).status_code == 404
    post.refresh_from_db()
    assert post.title == "A published post"


def test_anonymous_edit_redirects_to_login(client, settings, post):
    url = reverse("blog:post_update", kwargs={"slug": post.slug})
    response = client.post(url, {"title": "Hacked", "body": "x", "status": "draft"})
    assert response.status_code == 302
    assert response.url == login_url(settings, url)


def test_author_deletes_own_post(client, author, post):
    client.force_login(author)
    url = reverse("blog:post_delete", kwargs={"slug": post.slug})
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("blog:my_posts")
    assert not Post.objects.exists()


def test_my_posts_lists_own_posts_and_pending_comments(client, author, post, draft, other_user):
    PostFactory(author=other_user, title="Not mine")
    pending = CommentFactory(post=post, author=other_user, is_approved=False, body="Please approve")
    client.force_login(author)
    response = client.get(reverse("blog:my_posts"))
    assert response.status_code == 200
    assert set(response.context["posts"]) == {post, draft}
    assert list(response.context["pending_comments"]) == [pending]
    assert "Please approve" in response.content.decode()


def test_my_posts_tables_name_every_column(client, author, post, other_user):
    """Screen readers announce a column by its header: the buttons' columns need one too."""
    CommentFactory(post=post, author=other_user, is_approved=False)
    client.force_login(author)
    content = client.get(reverse("blog:my_posts")).content.decode()
    assert content.count('<table class="table-stack">') == 2  # rows stack into cards on phones
    assert not re.search(r"<th[^>]*>\s*</th>", content)


# Comments ---------------------------------------------------------------------------------------


def test_anonymous_cannot_comment(client, settings, post):
    url = reverse("blog:comment_create", kwargs={"slug": post.slug})
    response = client.post(url, {"body": "Hello"})
    assert response.status_code == 302
    assert response.url == login_url(settings, url)
    assert not Comment.objects.exists()


def test_comment_is_held_for_moderation(client, other_user, post):
    client.force_login(other_user)
    response = client.post(
        reverse("blog:comment_create", kwargs={"slug": post.slug}), {"body": "Great post"}, follow=True
    )
    comment = Comment.objects.get()
    assert (comment.author, comment.post, comment.is_approved) == (other_user, post, False)
    content = response.content.decode()
    assert "once the author approves it" in content
    assert "Great post" not in content


def test_authors_own_comment_is_published_at_once(client, author, post):
    client.force_login(author)
    client.post(reverse("blog:comment_create", kwargs={"slug": post.slug}), {"body": "Update: fixed"})
    assert Comment.objects.get().is_approved


def test_invalid_comment_is_rejected(client, other_user, post):
    client.force_login(other_user)
    response = client.post(reverse("blog:comment_create", kwargs={"slug": post.slug}), {"body": " "})
    assert response.status_code == 400
    assert response.context["comment_form"].errors
    assert not Comment.objects.exists()


def test_cannot_comment_on_a_draft(client, other_user, draft):
    client.force_login(other_user)
    response = client.post(reverse("blog:comment_create", kwargs={"slug": draft.slug}), {"body": "Hi"})
    assert response.status_code == 404


def test_comment_get_is_not_allowed(client, other_user, post):
    client.force_login(other_user)
    assert client.get(reverse("blog:comment_create", kwargs={"slug": post.slug})).status_code == 405


def test_post_author_approves_a_comment(client, author, post):
    comment = CommentFactory(post=post, is_approved=False, body="Awaiting")
    client.force_login(author)
    response = client.post(reverse("blog:comment_moderate", kwargs={"pk": comment.pk}), {"action": "approve"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_approved
    assert "Awaiting" in client.get(post.get_absolute_url()).content.decode()


def test_post_author_deletes_a_comment(client, author, post):
    comment = CommentFactory(post=post, is_approved=False)
    client.force_login(author)
    client.post(reverse("blog:comment_moderate", kwargs={"pk": comment.pk}), {"action": "delete"})
    assert not Comment.objects.exists()


def test_others_cannot_moderate(client, other_user, post):
    comment = CommentFactory(post=post, is_approved=False)
    client.force_login(other_user)
    url = reverse("blog:comment_moderate", kwargs={"pk": comment.pk})
    assert client.post(url, {"action": "approve"}).status_code == 404
    comment.refresh_from_db()
    assert not comment.is_approved


# Sidebar cache, navigation, profile -----------------------------------------------------------


def test_sidebar_is_cached_and_invalidated_by_signals(client, post):
    category = CategoryFactory(name="Cached category")
    PostFactory(category=category)
    with CaptureQueriesContext(connection) as cold:
        client.get("/")
    assert cache.get(CACHE_KEY) is not None
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    sidebar = ('FROM "blog_category"', 'FROM "blog_tag"')  # the categories' and tags' counts
    assert all(any(table in query["sql"] for query in cold.captured_queries) for table in sidebar)
    assert not any(table in query["sql"] for query in warm.captured_queries for table in sidebar)

    category.name = "Renamed category"
    category.save()
    assert cache.get(CACHE_KEY) is None
    assert "Renamed category" in client.get("/").content.decode()


def test_post_cards_are_cached_and_never_stale(client, post, author):
    PostFactory.create_batch(2, tags=[TagFactory()])
    with CaptureQueriesContext(connection) as cold:
        client.get("/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    assert len(warm) < len(cold)  # the cards' prefetches (tags, authors' profiles) are skipped

    post.title = "An edited title"
    post.save()
    assert "An edited title" in client.get("/").content.decode()
    CommentFactory(post=post)
    assert "1 comment" in client.get("/").content.decode()
    author.name = "Ada Lovelace"
    author.save()
    assert "Ada Lovelace" in client.get("/").content.decode()
    # A scheduled post falls due without any save (update() sends no signal): the count is in the key.
    due = PostFactory(title="Due now", published_at=timezone.now() + timedelta(hours=1))
    assert "Due now" not in client.get("/").content.decode()
    Post.objects.filter(pk=due.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert "Due now" in client.get("/").content.decode()


def test_post_cards_are_cached_per_page_and_sign_in_state(client, author, settings):
    settings.BLOG_POSTS_PER_PAGE = 1
    PostFactory(title="Older", published_at=timezone.now() - timedelta(days=1))
    PostFactory(title="Newer")
    assert "Newer" in client.get("/").content.decode()
    assert "Older" in client.get("/?page=2").content.decode()
    Post.objects.all().delete()
    assert "Write the first one" not in client.get("/").content.decode()
    client.force_login(author)
    assert "Write the first one" in client.get("/").content.decode()


def test_navigation_links_for_authors(client, author):
    assert "Write a post" not in client.get("/").content.decode()
    client.force_login(author)
    content = client.get("/").content.decode()
    assert reverse("blog:post_create") in content
    assert reverse("blog:my_posts") in content


def test_profile_lists_published_posts(client, author, post, draft):
    response = client.get(author.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "A published post" in content
    assert "A secret draft" not in content


# The page cache of the list pages for visitors who are not signed in (core/page_cache.py) --------------


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.mark.usefixtures("page_cache")
def test_list_pages_are_served_from_the_page_cache_and_never_stale(client, post, author):
    category = CategoryFactory(slug="news")
    post.category = category
    post.save()
    for address in ("/", "/category/news/"):
        client.get(address)
        with CaptureQueriesContext(connection) as warm:
            assert client.get(address).status_code == 200
        assert len(warm) == 0  # the whole page came from the cache

    post.title = "An edited title"
    post.save()
    assert "An edited title" in client.get("/").content.decode()
    assert "An edited title" in client.get("/category/news/").content.decode()
    CommentFactory(post=post)
    assert "1 comment" in client.get("/").content.decode()
    author.name = "Ada Lovelace"
    author.save()
    assert "Ada Lovelace" in client.get("/").content.decode()
    new = PostFactory(title="Brand new")
    assert "Brand new" in client.get("/").content.decode()
    new.delete()
    assert "Brand new" not in client.get("/").content.decode()


@pytest.mark.usefixtures("page_cache")
def test_admin_actions_renew_the_cached_list_pages(admin_client, client, post):
    assert post.title in client.get("/").content.decode()
    admin_client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "make_draft", "_selected_action": [post.pk]},
    )
    assert post.title not in client.get("/").content.decode()


@pytest.mark.usefixtures("page_cache")
def test_a_cached_list_page_is_kept_no_longer_than_until_the_next_scheduled_post(client):
    from ..cards import seconds_until_next_post

    assert seconds_until_next_post(None) is None
    PostFactory(title="Scheduled", published_at=timezone.now() + timedelta(seconds=90))
    assert 0 < seconds_until_next_post(None) <= 90
    PostFactory(title="Overdue", published_at=timezone.now() - timedelta(seconds=1), status=Post.Status.DRAFT)
    assert 0 < seconds_until_next_post(None) <= 90


@pytest.mark.usefixtures("page_cache")
def test_a_signed_in_author_never_gets_the_cached_anonymous_page(client, author):
    PostFactory(title="Public post")
    client.get("/")
    client.get("/")  # now cached for visitors
    client.force_login(author)
    content = client.get("/").content.decode()
    assert reverse("blog:my_posts") in content
    assert 'name="csrfmiddlewaretoken"' in content  # the log-out form: this session's own token
