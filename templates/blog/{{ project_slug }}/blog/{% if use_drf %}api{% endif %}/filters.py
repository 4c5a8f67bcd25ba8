import django_filters

from ...core.api.filters import UtcIsoDateTimeFilter
from ..models import Comment, Post


class PostFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__slug", help_text="Category slug.")
    tag = django_filters.CharFilter(field_name="tags__slug", help_text="Tag slug.")
    author = django_filters.CharFilter(field_name="author__username", help_text="Author's username.")
    published_after = UtcIsoDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UtcIsoDateTimeFilter(field_name="published_at", lookup_expr="lte")

    class Meta:
        model = Post
        fields = ("category", "tag", "author", "status", "published_after", "published_before")


class CommentFilter(django_filters.FilterSet):
    post = django_filters.CharFilter(field_name="post__slug", help_text="Post slug.")

    class Meta:
        model = Comment
        fields = ("post",)
