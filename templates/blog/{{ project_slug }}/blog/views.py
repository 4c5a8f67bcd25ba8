"""Blog views: class-based views for the usual pages, function-based views where they read simpler."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView

from ..core.page_cache import anonymous_page_cache, signed_in_page_cache
from ..core.pagination import CountedPaginator
from . import counts
from .cards import CACHE_TIMEOUT as CARDS_TIMEOUT
from .cards import PAGES, cards_key, seconds_until_next_post
from .forms import CommentForm, PostForm
from .models import Category, Comment, Post, Tag
from .services import comment_posted


@method_decorator(anonymous_page_cache(PAGES, timeout=seconds_until_next_post), name="dispatch")
class PostListView(ListView):
    """The home page: published posts, newest first, paginated. Visitors who are not signed in get it (and
    the category and tag archives) from the page cache (``core/page_cache.py``; ``signals.py`` renews it)."""

    template_name = "blog/post_list.html"
    context_object_name = "posts"

    def get_paginate_by(self, queryset: Any) -> int:
        return settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self) -> Any:
        return Post.published.with_related().with_comment_count().newest_first()

    def known_count(self) -> int | None:
        """How many posts the list holds, if known without counting them: the home page's is the blog's
        kept total (counts.py); an archive counts its own posts."""
        return counts.published_total()

    def get_paginator(self, queryset: Any, per_page: int, *args: Any, **kwargs: Any) -> Paginator:
        count = self.known_count()
        if count is None:
            return super().get_paginator(queryset, per_page, *args, **kwargs)
        return CountedPaginator(queryset, per_page, *args, count=count, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["cards_key"] = cards_key(
            self.request.path, page.number, page.paginator.count,
            signed_in=self.request.user.is_authenticated,
        )  # fmt: skip
        context["cards_timeout"] = CARDS_TIMEOUT
        return context


class CategoryPostListView(PostListView):
    """The archive of one category."""

    def get_queryset(self) -> Any:
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category)

    def known_count(self) -> None:
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            category=self.category,
            heading=f"Category: {self.category.name}",
            intro=self.category.description,
            **kwargs,
        )


class TagPostListView(PostListView):
    """The archive of one tag."""

    def get_queryset(self) -> Any:
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def known_count(self) -> None:
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tag=self.tag, heading=f"Tagged “{self.tag.name}”", **kwargs)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search published posts (a function-based view; the ORM builds a parameterised query)."""
    query = request.GET.get("q", "").strip()[:100]
    results = (
        Post.published.search(query).with_related().with_comment_count().newest_first()
        if query
        else Post.objects.none()
    )
    page_obj = Paginator(results, settings.BLOG_POSTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "page_obj": page_obj,
        "posts": page_obj.object_list,
        "is_paginated": page_obj.has_other_pages(),
        "query_string": urlencode({"q": query}),
    }
    return render(request, "blog/search.html", context)


def _detail_context(post: Post, form: CommentForm) -> dict[str, Any]:
    return {
        "post": post,
        "comments": post.comments.approved().select_related("author"),
        "comment_form": form,
        "login_url": resolve_url(settings.LOGIN_URL),
    }


class PostDetailView(DetailView):
    """One post with its approved comments. Drafts are visible to their author only (404 for others)."""

    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get_queryset(self) -> Any:
        return Post.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(_detail_context(self.object, CommentForm()))
        return context


@login_required
@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a comment to a published post; it is held for moderation unless it is the author's own."""
    post = get_object_or_404(Post.published.with_related(), slug=slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render(request, "blog/post_detail.html", _detail_context(post, form), status=400)
    comment = form.save(commit=False)
    comment.post = post
    comment.author = request.user
    comment.is_approved = post.author_id == request.user.pk
    comment.save()
    if comment.is_approved:
        messages.success(request, "Your comment was published.")
    else:
        comment_posted(comment)
        messages.success(request, "Thank you! Your comment will appear once the author approves it.")
    return redirect(f"{post.get_absolute_url()}#comments")


class AuthorPostMixin(LoginRequiredMixin):
    """Restricts the queryset to the signed-in user's posts: anyone else's post is a 404."""

    def get_queryset(self) -> Any:
        return Post.objects.filter(author=self.request.user)


class PostCreateView(LoginRequiredMixin, SuccessMessageMixin, CreateView):
    model = Post
    form_class = PostForm
    template_name = "blog/post_form.html"
    success_message = "“%(title)s” was saved."

    def form_valid(self, form: PostForm) -> HttpResponse:
        form.instance.author = self.request.user
        return super().form_valid(form)


class PostUpdateView(AuthorPostMixin, SuccessMessageMixin, UpdateView):
    model = Post
    form_class = PostForm
    template_name = "blog/post_form.html"
    success_message = "“%(title)s” was saved."


class PostDeleteView(AuthorPostMixin, DeleteView):
    model = Post
    template_name = "blog/post_confirm_delete.html"
    success_url = reverse_lazy("blog:my_posts")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, f"“{self.object.title}” was deleted.")
        return super().form_valid(form)


@method_decorator(signed_in_page_cache(PAGES, timeout=seconds_until_next_post), name="dispatch")
class MyPostsView(LoginRequiredMixin, ListView):
    """The author's dashboard: every own post (drafts too) and the comments waiting for approval.

    Kept per session (``core/page_cache.py``) until a post, comment, category, tag or user changes (the
    list pages' group, ``cards.py``), or the next scheduled post falls due ("scheduled" label)."""

    template_name = "blog/my_posts.html"
    context_object_name = "posts"
    paginate_by = 25

    def get_queryset(self) -> Any:
        return (
            Post.objects.filter(author=self.request.user)
            .select_related("category")
            .with_comment_count(pending=True)
            .newest_first()
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        pending = (
            Comment.objects.pending()
            .filter(post__author=self.request.user)
            .select_related("author", "post")
            .order_by("-created_at")
        )
        return super().get_context_data(pending_comments=pending, **kwargs)


@login_required
@require_POST
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or delete a comment on one of the signed-in user's posts (others' comments: 404)."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk, post__author=request.user)
    action = request.POST.get("action")
    if action == "approve":
        comment.is_approved = True
        comment.save(update_fields=["is_approved"])
        messages.success(request, "The comment was approved.")
    elif action == "delete":
        comment.delete()
        messages.success(request, "The comment was deleted.")
    else:
        messages.error(request, "Unknown action.")
    return redirect(reverse("blog:my_posts"))
