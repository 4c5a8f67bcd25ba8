"""The sitemap: https://docs.djangoproject.com/en/5.2/ref/contrib/sitemaps/"""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from .models import Category, Post


class PostSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> QuerySet[Post]:
        return Post.published.order_by("-published_at")

    def lastmod(self, item: Post) -> datetime:
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self) -> QuerySet[Category]:
        return Category.objects.filter(posts__in=Post.published.all()).distinct()


class StaticViewSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["blog:post_list"]

    def location(self, item: str) -> str:
        return reverse(item)


sitemaps = {"static": StaticViewSitemap, "posts": PostSitemap, "categories": CategorySitemap}
