from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from . import counts
from .cards import invalidate_cards
from .models import Category, Comment, Post, Tag
from .sidebar import invalidate_sidebar


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "post_count", "published_posts")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, obj: Category) -> int:
        return obj.post_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "post_count", "published_posts")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, obj: Tag) -> int:
        return obj.post_count


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ("author", "body", "is_approved", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("author",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "status", "published_at", "category", "updated_at")
    list_filter = ("status", "category", "tags", "published_at")
    list_select_related = ("author", "category")
    search_fields = ("title", "excerpt", "body", "author__username")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    autocomplete_fields = ("author",)
    filter_horizontal = ("tags",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (CommentInline,)
    actions = ("publish", "make_draft")

    @admin.action(description="Publish the selected posts")
    def publish(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        drafts = queryset.filter(status=Post.Status.DRAFT)
        changed = list(drafts.values_list("pk", flat=True))
        updated = drafts.filter(published_at__isnull=True).update(
            status=Post.Status.PUBLISHED, published_at=timezone.now()
        )
        updated += drafts.update(status=Post.Status.PUBLISHED)
        counts.recount_posts(changed)  # update() sends no signals
        invalidate_sidebar()
        invalidate_cards()
        self.message_user(request, f"{updated} post(s) published.")

    @admin.action(description="Turn the selected posts into drafts")
    def make_draft(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        published = queryset.filter(status=Post.Status.PUBLISHED)
        changed = list(published.values_list("pk", flat=True))
        updated = published.update(status=Post.Status.DRAFT)
        counts.recount_posts(changed)
        invalidate_sidebar()
        invalidate_cards()
        self.message_user(request, f"{updated} post(s) turned into drafts.")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("short_body", "post", "author", "created_at", "is_approved")
    list_filter = ("is_approved", "created_at")
    list_select_related = ("post", "author")
    search_fields = ("body", "author__username", "post__title")
    raw_id_fields = ("post", "author")
    date_hierarchy = "created_at"
    actions = ("approve", "unapprove")

    @admin.display(description="comment")
    def short_body(self, obj: Comment) -> str:
        return obj.body[:60]

    @admin.action(description="Approve the selected comments")
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        updated = queryset.update(is_approved=True)
        invalidate_cards()  # the cards' comment counts; update() sends no signals
        self.message_user(request, f"{updated} comment(s) approved.")

    @admin.action(description="Withdraw approval of the selected comments")
    def unapprove(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        updated = queryset.update(is_approved=False)
        invalidate_cards()
        self.message_user(request, f"{updated} comment(s) hidden.")
