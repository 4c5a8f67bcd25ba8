from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator

from .managers import PostManager, TagQuerySet
from .media import ALT_TEXT_MAX_LENGTH, MAX_ATTACHMENTS, attachment_storage

#: The most characters a content warning may have.
CONTENT_WARNING_MAX_LENGTH = 200
#: The most characters a hashtag's name may have (a longer ``#word`` is not a tag).
TAG_MAX_LENGTH = 64
#: Earlier versions of a post shown in its edit history (the latest first).
EDITS_SHOWN = 50


class Post(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        FOLLOWERS = "followers", "Followers only"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    body = models.TextField()
    #: Shown instead of the body until the reader opens it (spoilers, sensitive topics); "" for none.
    content_warning = models.CharField(
        max_length=CONTENT_WARNING_MAX_LENGTH,
        blank=True,
        help_text="Optional: a short warning shown instead of the post until the reader opens it.",
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name="in reply to",
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Mention", related_name="mentioned_in", blank=True
    )
    tags = models.ManyToManyField("Tag", through="PostTag", related_name="posts", blank=True)
    #: The post it replied to was deleted with its author's account (``profiles.deletion``): the reply stays,
    #: as the start of its own thread, saying so.
    parent_deleted = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = PostManager()

    class Meta:
        # Keyset pagination walks the primary key: newest first, stable as new posts arrive.
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["author", "-id"], name="posts_post_author_idx"),
            models.Index(fields=["reply_to", "id"], name="posts_post_reply_idx"),
            # The home feed's order (``managers.FEED_ORDER``): its first page reads a page of rows, not all.
            models.Index(fields=["-created_at", "-id"], name="posts_post_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {Truncator(self.body).chars(40)}"

    def save(self, *args, **kwargs) -> None:
        """Saving a new reply also records every post above it in its thread (``PostAncestor``)."""
        if not (self._state.adding and self.reply_to_id is not None):
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            super().save(*args, **kwargs)
            above = PostAncestor.objects.filter(post=self.reply_to_id).values_list("ancestor_id", flat=True)
            PostAncestor.objects.bulk_create(
                PostAncestor(post=self, ancestor_id=pk) for pk in [self.reply_to_id, *above]
            )

    def get_absolute_url(self) -> str:
        return reverse("posts:detail", kwargs={"pk": self.pk})

    @cached_property
    def linked_mentions(self) -> frozenset[str]:
        """The usernames its ``@mentions`` link to: the people stored as mentioned (``Mention``), so a
        mention of an account deleted since is plain text. Prefetched for a page by ``with_cards``."""
        if "mention_rows" in getattr(self, "_prefetched_objects_cache", {}):
            return frozenset(row.user.username for row in self.mention_rows.all())
        return frozenset(self.mention_rows.values_list("user__username", flat=True))


class PostAncestor(models.Model):
    """A post above a reply in its thread, at any depth: the parent, the parent's parent… up to the root.

    Seeing a reply takes seeing every one of these, so the privacy rule checks a whole thread with one
    ``NOT EXISTS`` (an ancestor the viewer may not see), however deep the reply. Rows are written when the
    reply is saved (``Post.save``): a post's parent never changes afterwards. Posts made with
    ``bulk_create`` skip ``save``: make replies one by one.
    """

    # The unique constraint's index starts with ``post``: it serves the lookup, no index of its own.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="ancestor_rows", db_index=False)
    ancestor = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="descendant_rows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "ancestor"], name="posts_ancestor_unique")]

    def __str__(self) -> str:
        return f"post #{self.ancestor_id} above post #{self.post_id}"


class Mention(models.Model):
    """A person named with ``@username`` in a post: they are notified and may see it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mention_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mention_rows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="posts_mention_unique")]

    def __str__(self) -> str:
        return f"@{self.user} in post #{self.post_id}"


class Like(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="posts_like_unique")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} likes post #{self.post_id}"


class Boost(models.Model):
    """A person sharing someone's public post with their followers ("boosted by Ana").

    Only a public post of a public account can be boosted (Mastodon's rule, ``services.boost``); the feed
    shows a boost only while the post stays so (``managers.boosts_seen_by``). One boost per person and
    post (the unique constraint); deleting the post or the person deletes the boost (``CASCADE``).
    """

    # The unique constraint's index starts with ``user``: it serves the feed, no index of its own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="boosts", db_index=False
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="boosts")
    #: Where the boost sits in a feed: at the time of the boost, not of the post.
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="posts_boost_unique")]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} boosts post #{self.post_id}"


class Tag(models.Model):
    """A hashtag (``#name`` in a post). Stored in lower case, so ``#Django`` and ``#DJANGO`` are one tag: the
    check constraint keeps every name lower case and the unique index then keeps one row per name."""

    name = models.CharField(max_length=TAG_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(name=Lower("name")), name="posts_tag_lower_case")]

    def __str__(self) -> str:
        return f"#{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("posts:tag", kwargs={"name": self.name})


class PostTag(models.Model):
    """A tag used in a post (written by ``services``, like mentions)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="tag_rows")
    # The unique constraint's index starts with ``tag``: it serves a tag's page, no index of its own.
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="post_rows", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "post"], name="posts_posttag_unique")]

    def __str__(self) -> str:
        return f"#{self.tag} in post #{self.post_id}"


class TagFollow(models.Model):
    """A person following a tag: its public posts join their home feed."""

    # The unique constraint's index starts with ``user``: it serves the feed, no index of its own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tag_follows", db_index=False
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="posts_tagfollow_unique")]

    def __str__(self) -> str:
        return f"{self.user} follows #{self.tag}"


class Attachment(models.Model):
    """An image attached to a post (``media``: validated, re-encoded without metadata, with a thumbnail).

    Its files are private: no public URL reaches them, ``get_absolute_url`` is a view that serves them only
    to viewers who may see the post. At most ``MAX_ATTACHMENTS`` per post, kept by the database: a position
    below it (the check constraint) and one attachment per position (the unique constraint).
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    #: Its place among the post's images, from 0.
    position = models.PositiveSmallIntegerField()
    image = models.FileField(storage=attachment_storage, max_length=200)
    thumbnail = models.FileField(storage=attachment_storage, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    thumbnail_width = models.PositiveIntegerField()
    thumbnail_height = models.PositiveIntegerField()
    #: What the image shows, for people who cannot see it (screen readers read it out); "" when missing.
    alt_text = models.TextField("description (alt text)", max_length=ALT_TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            # The unique constraint's index starts with ``post``: it serves the prefetch, no index of its own.
            models.UniqueConstraint(fields=["post", "position"], name="posts_attachment_position_unique"),
            models.CheckConstraint(
                condition=Q(position__lt=MAX_ATTACHMENTS), name="posts_attachment_at_most_four"
            ),
        ]

    def __str__(self) -> str:
        return f"image {self.position + 1} of post #{self.post_id}"

    def get_absolute_url(self) -> str:
        return reverse("posts:attachment", kwargs={"pk": self.pk})

    def get_thumbnail_url(self) -> str:
        return reverse("posts:attachment_thumbnail", kwargs={"pk": self.pk})


class PostEdit(models.Model):
    """What a post said before an edit: one row per edit, written by ``services.edit_post``. The history is
    read through the post, so it reaches exactly the people who may see the post now."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="edits")
    body = models.TextField()
    content_warning = models.CharField(max_length=CONTENT_WARNING_MAX_LENGTH, blank=True)
    visibility = models.CharField(max_length=10, choices=Post.Visibility.choices)
    #: When this version stopped being the post's text (the edit's time).
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["-replaced_at", "-pk"]
        indexes = [models.Index(fields=["post", "-replaced_at"], name="posts_postedit_post_idx")]

    def __str__(self) -> str:
        return f"Post #{self.post_id} before {self.replaced_at:%Y-%m-%d %H:%M}"

    @property
    def linked_mentions(self) -> frozenset[str]:
        """The post's (an earlier version links the people the post mentions now)."""
        return self.post.linked_mentions
