from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from .models import Attachment, Boost, Like, Mention, Post, PostEdit, PostTag, Tag


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    raw_id_fields = ("user",)


class PostEditInline(admin.TabularInline):
    """Earlier versions, read-only: the history is what the post said, never rewritten."""

    model = PostEdit
    extra = 0
    can_delete = False
    fields = readonly_fields = ("replaced_at", "visibility", "content_warning", "body")

    def has_add_permission(self, request: HttpRequest, obj: Post | None = None) -> bool:
        return False


class PostTagInline(admin.TabularInline):
    model = PostTag
    extra = 0
    raw_id_fields = ("tag",)


class AttachmentInline(admin.TabularInline):
    """A post's images, read-only: they come with the post (``services.create_post``). Each links to the
    authorised view (the files have no public URL); deleting the post deletes them and their files."""

    model = Attachment
    extra = 0
    fields = ("position", "preview", "width", "height", "alt_text")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Post | None = None) -> bool:
        return False

    @admin.display(description="image")
    def preview(self, obj: Attachment) -> str:
        return format_html('<a href="{}">open</a>', obj.get_absolute_url())


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Staff see every post (the admin is staff-only); the site's pages use ``visible_to``."""

    list_display = ("pk", "author", "short_body", "visibility", "reply_to", "like_count", "created_at")
    list_filter = ("visibility", "created_at")
    list_select_related = ("author",)
    search_fields = ("body", "content_warning", "author__username")
    raw_id_fields = ("author", "reply_to")
    readonly_fields = ("created_at", "edited_at")
    date_hierarchy = "created_at"
    inlines = (MentionInline, PostTagInline, AttachmentInline, PostEditInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        return super().get_queryset(request).annotate(like_count=Count("likes"))

    def get_readonly_fields(self, request: HttpRequest, obj: Post | None = None) -> tuple[str, ...]:
        """A reply stays where it is in its thread (``PostAncestor`` records the thread once)."""
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "reply_to") if obj is not None else fields

    @admin.display(description="text")
    def short_body(self, obj: Post) -> str:
        return obj.body[:80]

    @admin.display(description="likes", ordering="like_count")
    def like_count(self, obj: Post) -> int:
        return obj.like_count


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ("user", "post", "created_at")
    list_select_related = ("user", "post")
    search_fields = ("user__username",)
    raw_id_fields = ("user", "post")


@admin.register(Boost)
class BoostAdmin(admin.ModelAdmin):
    """Boosts are made by people (``services.boost``: public posts of public accounts only)."""

    list_display = ("user", "post", "created_at")
    list_select_related = ("user", "post")
    search_fields = ("user__username",)
    raw_id_fields = ("user", "post")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags are made by posts (``services``); names are stored in lower case."""

    list_display = ("name", "post_count", "follower_count", "created_at")
    search_fields = ("name",)
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                post_count=Count("post_rows", distinct=True), follower_count=Count("follows", distinct=True)
            )
        )

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, obj: Tag) -> int:
        return obj.post_count

    @admin.display(description="followers", ordering="follower_count")
    def follower_count(self, obj: Tag) -> int:
        return obj.follower_count
