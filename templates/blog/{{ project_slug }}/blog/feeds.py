"""The RSS feed of the latest posts: https://docs.djangoproject.com/en/5.2/ref/contrib/syndication/"""

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse_lazy

from .models import Post


class LatestPostsFeed(Feed):
    link = reverse_lazy("blog:post_list")
    feed_items = 20

    def title(self) -> str:
        return settings.SITE_NAME

    def description(self) -> str:
        return settings.SITE_DESCRIPTION

    def items(self) -> QuerySet[Post]:
        return Post.published.with_related()[: self.feed_items]

    def item_title(self, item: Post) -> str:
        return item.title

    def item_description(self, item: Post) -> str:
        return item.summary

    def item_pubdate(self, item: Post) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Post) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Post) -> str:
        return item.author.display_name

    def item_categories(self, item: Post) -> list[str]:
        return [tag.name for tag in item.tags.all()]
