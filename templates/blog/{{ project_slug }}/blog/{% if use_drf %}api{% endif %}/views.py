"""The blog's REST API: https://www.django-rest-framework.org/api-guide/viewsets/"""

from typing import Any

from rest_framework import mixins, permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from ...core.api.mixins import FreshWriteResponseMixin
from ...core.api.pagination import KnownCountPagination
from ...core.page_cache import cached_list
from .. import counts
from ..cards import PAGES, seconds_until_next_post
from ..models import Category, Comment, Post, Tag
from ..services import comment_posted
from .filters import CommentFilter, PostFilter
from .permissions import IsAuthorOrReadOnly
from .serializers import CategorySerializer, CommentSerializer, PostSerializer, TagSerializer

#: Query parameters that leave the post list whole: its length is the kept total.
UNFILTERED = {"page", "ordering", "format"}


class PostViewSet(FreshWriteResponseMixin, viewsets.ModelViewSet):
    """Published posts for everyone, plus the signed-in user's own drafts; authors change only their own.
    Writes answer with the post as a GET shows it, its comment count included."""

    serializer_class = PostSerializer
    permission_classes = (permissions.IsAuthenticatedOrReadOnly, IsAuthorOrReadOnly)
    lookup_field = "slug"
    filterset_class = PostFilter
    search_fields = ("title", "excerpt", "body")
    ordering_fields = ("published_at", "created_at", "title")
    ordering = ("-published_at", "-created_at")
    pagination_class = KnownCountPagination

    def get_queryset(self) -> Any:
        return Post.objects.visible_to(self.request.user).with_related().with_comment_count()

    def known_count(self) -> int | None:
        """Unfiltered, the list is the blog's kept total of published posts (counts.py), plus the reader's
        own posts that are not out (drafts, scheduled); with a filter or a search it is counted."""
        if set(self.request.query_params) - UNFILTERED:
            return None
        total = counts.published_total()
        user = self.request.user
        if total is None or not user.is_authenticated:
            return total
        return total + Post.objects.filter(author=user).not_out().count()

    # Kept per reader (their own drafts are in it) until a post, comment or author changes (cards.py).
    @cached_list(PAGES, scope=lambda view: view.request.user.pk, timeout=seconds_until_next_post)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: PostSerializer) -> None:
        serializer.save(author=self.request.user)


class CommentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Approved comments on published posts (filter with ``?post=<slug>``); signed-in users add comments,
    which wait for the post author's approval (their author sees them meanwhile)."""

    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    ordering_fields = ("created_at",)
    ordering = ("created_at",)
    search_fields = ("body",)

    def get_queryset(self) -> Any:
        return (
            Comment.objects.visible_to(self.request.user)
            .filter(post__in=Post.published.all())
            .select_related("author", "post")
        )

    def perform_create(self, serializer: CommentSerializer) -> None:
        post = serializer.validated_data["post"]
        is_own = post.author_id == self.request.user.pk
        comment = serializer.save(author=self.request.user, is_approved=is_own)
        if not is_own:
            comment_posted(comment)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    lookup_field = "slug"
    search_fields = ("name",)


class TagViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    lookup_field = "slug"
    search_fields = ("name",)
