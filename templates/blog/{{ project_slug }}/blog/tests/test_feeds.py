import pytest
from django.urls import reverse

from .factories import CategoryFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_rss_feed_lists_published_posts(client, post, draft):
    post.tags.add(TagFactory(name="feedtag"))
    response = client.get(reverse("blog:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    content = response.content.decode()
    assert "<title>A published post</title>" in content
    assert post.get_absolute_url() in content
    assert "feedtag" in content
    assert "A secret draft" not in content


def test_sitemap_lists_published_posts_and_categories(client, draft):
    category = CategoryFactory(slug="visible")
    live = PostFactory(category=category)
    CategoryFactory(slug="empty")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    content = response.content.decode()
    assert live.get_absolute_url() in content
    assert "/category/visible/" in content
    assert "/category/empty/" not in content
    assert draft.get_absolute_url() not in content
    assert "<lastmod>" in content
