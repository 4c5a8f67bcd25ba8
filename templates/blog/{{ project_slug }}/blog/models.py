from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from ..core.slugs import UniqueSlugModel
from ..core.validators import IMAGE_VALIDATORS
from .managers import CommentQuerySet, PostQuerySet, PublishedManager

#: An adult's silent reading speed on screen, for a post's "n min read".
WORDS_PER_MINUTE = 220


class NamedArchive(UniqueSlugModel):
    """What categories and tags share: a name, a slug made from it, and an archive page."""

    slug_from = "name"

    #: The URL name of the archive page, which takes the slug.
    archive_url_name: str

    name: models.CharField
    slug: models.SlugField
    #: Posts published in it, scheduled ones included; kept by counts.py (never edited by hand).
    published_posts = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(self.archive_url_name, kwargs={"slug": self.slug})


class Category(NamedArchive):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    description = models.TextField(blank=True)

    archive_url_name = "blog:category"

    class Meta(NamedArchive.Meta):
        verbose_name_plural = "categories"


class Tag(NamedArchive):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True, blank=True)

    archive_url_name = "blog:tag"


class Post(UniqueSlugModel):
    slug_from = "title"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=220,
        unique=True,
        blank=True,
        help_text="Part of the address; made from the title if empty.",
    )
    excerpt = models.TextField(
        max_length=300, blank=True, help_text="A short summary for lists and feeds (300 characters at most)."
    )
    body = models.TextField()
    cover = models.ImageField(
        "cover image", upload_to="covers/%Y/%m/", blank=True, validators=IMAGE_VALIDATORS
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        help_text="Set when the post is published; a date in the future schedules it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")

    # The first manager is the default one (admin, related lookups): it sees every post.
    objects = PostQuerySet.as_manager()
    published = PublishedManager()

    class Meta:
        ordering = [models.F("published_at").desc(nulls_last=True), "-created_at"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["status", "-published_at"], name="blog_post_status_pub_idx"),
            models.Index(fields=["author", "status"], name="blog_post_author_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("blog:post_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def summary(self) -> str:
        """The excerpt, or the start of the body when there is none."""
        return self.excerpt or Truncator(self.body).words(40)

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the body at ``WORDS_PER_MINUTE``, rounded, and at least one."""
        return max(1, round(len(self.body.split()) / WORDS_PER_MINUTE))


class PostTotal(models.Model):
    """The blog's one row of totals: how many posts are published, scheduled ones included. Kept by
    counts.py like the categories' and tags' counts, so that the home page and the API list count no
    posts (``counts.published_total``)."""

    published_posts = models.PositiveIntegerField(default=0, editable=False)

    #: The primary key of the one row.
    ROW = 1

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="blog_posttotal_one_row")]

    def __str__(self) -> str:
        return f"{self.published_posts} published posts"


class Comment(models.Model):
    """A reader's comment; only signed-in users comment and comments wait for approval."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blog_comments"
    )
    body = models.TextField(max_length=3000)
    is_approved = models.BooleanField("approved", default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["post", "is_approved", "created_at"], name="blog_comment_post_idx")]

    def __str__(self) -> str:
        return f"{self.author} on {self.post}: {Truncator(self.body).chars(40)}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"
