from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..core.api.fields import IdField
from ..graph.forms import ModerationForm
from ..graph.models import FollowRequest, ModerationAction, Report
from ..notifications import preferences
from ..notifications.models import Notification, NotificationPreference
from ..posts import media
from ..posts.models import CONTENT_WARNING_MAX_LENGTH, Attachment, Post, PostEdit, Tag, TagFollow


class PersonSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    avatar = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ("username", "display_name", "avatar")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_avatar(self, person) -> str | None:
        profile = getattr(person, "profile", None)
        if profile is None or not profile.avatar:
            return None
        return profile.avatar.url


class AttachmentSerializer(serializers.ModelSerializer):
    """An image of a post. Its URLs are the authorised view's: they answer only people who may see the
    post (the same privacy rule as the post itself), so they are safe to share and useless to anyone else."""

    url = serializers.SerializerMethodField(help_text="The full image (JPEG, PNG or WebP, no metadata).")
    thumbnail_url = serializers.SerializerMethodField(help_text="A WebP thumbnail, at most 480 px a side.")

    class Meta:
        model = Attachment
        fields = ("id", "url", "thumbnail_url", "alt_text", "width", "height")
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, attachment: Attachment) -> str:
        return self._absolute(attachment.get_absolute_url())

    def get_thumbnail_url(self, attachment: Attachment) -> str:
        return self._absolute(attachment.get_thumbnail_url())


class PostEditSerializer(serializers.ModelSerializer):
    """A post as it was before an edit, until ``replaced_at``."""

    class Meta:
        model = PostEdit
        fields = ("body", "content_warning", "visibility", "replaced_at")
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)
    body = serializers.CharField(max_length=settings.SOCIAL_POST_MAX_LENGTH)
    content_warning = serializers.CharField(
        max_length=CONTENT_WARNING_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Shown instead of the body until the reader opens it; empty for none.",
    )
    #: Read: the parent's id. Write: validated into the parent ``Post`` itself (``validate_in_reply_to``).
    in_reply_to = IdField(source="reply_to_id", required=False, allow_null=True)
    like_count = serializers.IntegerField(read_only=True)
    reply_count = serializers.IntegerField(read_only=True)
    liked = serializers.BooleanField(read_only=True)
    boost_count = serializers.IntegerField(read_only=True, help_text="Boosts the requester sees.")
    boosted = serializers.BooleanField(read_only=True, help_text="Whether the requester boosted it.")
    attachments = AttachmentSerializer(many=True, read_only=True)
    images = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        write_only=True,
        max_length=media.MAX_ATTACHMENTS,
        error_messages={"max_length": "A post has at most {max_length} images."},
        help_text=f"Up to {media.MAX_ATTACHMENTS} images (JPEG, PNG or WebP), sent as multipart/form-data.",
    )
    alt_texts = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=media.ALT_TEXT_MAX_LENGTH),
        required=False,
        write_only=True,
        max_length=media.MAX_ATTACHMENTS,
        error_messages={"max_length": "A post has at most {max_length} images, so as many descriptions."},
        help_text="The description (alt text) of each image, in the same order; empty for none.",
    )

    class Meta:
        model = Post
        fields = (
            "id", "author", "body", "content_warning", "visibility", "in_reply_to", "created_at", "edited_at",
            "like_count", "reply_count", "liked", "boost_count", "boosted", "attachments", "images",
            "alt_texts",
        )  # fmt: skip
        read_only_fields = ("created_at", "edited_at")

    def validate(self, attrs: dict) -> dict:
        """Check and re-encode each image (``media.prepare``): a refused one is a 400 saying which and why."""
        uploads, alt_texts = attrs.pop("images", []), attrs.pop("alt_texts", [])
        if len(alt_texts) > len(uploads):
            raise serializers.ValidationError({"alt_texts": ["There are more descriptions than images."]})
        prepared, errors = [], {}
        for index, upload in enumerate(uploads):
            try:
                prepared.append(media.prepare(upload, alt_texts[index] if index < len(alt_texts) else ""))
            except media.MediaError as error:
                errors[index] = [str(error)]
        if errors:
            raise serializers.ValidationError({"images": errors})
        attrs["prepared_images"] = prepared
        return attrs

    def validate_in_reply_to(self, value: int | None) -> Post | None:
        """One may reply only to a post one may see: any other id is "does not exist"."""
        if value is None:
            return None
        post = Post.objects.visible_to(self.context["request"].user).filter(pk=value).first()
        if post is None:
            raise serializers.ValidationError(f'Invalid pk "{value}" - object does not exist.')
        return post


class BoostSerializer(serializers.Serializer):
    """Why a post is in the feed when someone the requester follows (or they) boosted it."""

    id = serializers.IntegerField(source="boost_pk")
    username = serializers.CharField(source="boosted_by_username")
    display_name = serializers.SerializerMethodField()
    boosted_at = serializers.DateTimeField(source="feed_at")

    def get_display_name(self, entry) -> str:
        return entry.boosted_by_name or entry.boosted_by_username


class FeedEntrySerializer(PostSerializer):
    """A post of the home feed: ``boost`` says who boosted it and when, or is null for a post of its own."""

    boost = serializers.SerializerMethodField()

    class Meta(PostSerializer.Meta):
        fields = (*PostSerializer.Meta.fields, "boost")

    @extend_schema_field(BoostSerializer(allow_null=True))
    def get_boost(self, entry) -> dict | None:
        return BoostSerializer(entry).data if getattr(entry, "boost_pk", 0) else None


class PostJsonSerializer(PostSerializer):
    """A new post as JSON: images need multipart/form-data (``PostSerializer``); JSON does not offer them."""

    class Meta(PostSerializer.Meta):
        fields = tuple(name for name in PostSerializer.Meta.fields if name not in {"images", "alt_texts"})


class PostUpdateSerializer(PostSerializer):
    """Editing keeps the post where it is in its thread."""

    in_reply_to = IdField(source="reply_to_id", read_only=True, allow_null=True)

    class Meta(PostSerializer.Meta):
        # Images come with a new post; an edit keeps them as they are.
        fields = tuple(name for name in PostSerializer.Meta.fields if name not in {"images", "alt_texts"})

    def validate(self, attrs: dict) -> dict:
        return attrs


class UsernameSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class FollowResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["following", "requested"])


class PendingFollowSerializer(serializers.ModelSerializer):
    requester = PersonSerializer(read_only=True)

    class Meta:
        model = FollowRequest
        fields = ("id", "requester", "created_at")


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(source="summary", read_only=True)
    last_actor = PersonSerializer(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Notification
        fields = ("id", "kind", "text", "last_actor", "actor_count", "post", "is_read", "updated_at", "url")
        read_only_fields = fields


class NotificationPreferenceSerializer(serializers.Serializer):
    """One kind's choice. To change some, PATCH a list of these with ``kind`` and the channels to change
    (a channel left out, or null, stays as it is)."""

    kind = serializers.ChoiceField(choices=NotificationPreference.KINDS)
    label = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Shown on the site; null for the digest (an email only: a value sent for it is ignored).",
    )
    email = serializers.BooleanField(required=False, help_text="Emailed.")

    def validate(self, attrs: dict) -> dict:
        if attrs.get("in_app") is None or attrs["kind"] in preferences.EMAIL_ONLY:
            attrs.pop("in_app", None)
        return attrs

    def to_representation(self, instance: preferences.Choice) -> dict:
        return {
            "kind": instance.kind,
            "label": instance.label,
            "in_app": None if instance.email_only else instance.in_app,
            "email": instance.email,
        }


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="Unread notifications, counted up to 100 (shown as 99+).")


class TrendingTagSerializer(serializers.ModelSerializer):
    uses = serializers.IntegerField(read_only=True, help_text="Public posts with the tag in the window.")

    class Meta:
        model = Tag
        fields = ("name", "uses")
        read_only_fields = fields


class FollowedTagSerializer(serializers.ModelSerializer):
    """A tag the requester follows (its public posts join their feed), and since when."""

    name = serializers.CharField(source="tag.name", read_only=True)
    followed_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = TagFollow
        fields = ("name", "followed_at")
        read_only_fields = fields


class TagFollowSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    following = serializers.BooleanField(read_only=True)


class ReportSerializer(serializers.ModelSerializer):
    """A report the requester made to the staff, and what they decided (the moderator is not named).

    To report a person, POST their ``username``; to report one of their posts, its id in ``post`` too.
    While an earlier report of the same post (or profile) waits for review, that one is answered (200).
    """

    username = serializers.CharField(
        write_only=True, max_length=150, help_text="The person reported (with `post`: its author)."
    )
    reported = PersonSerializer(source="reported_user", read_only=True)
    post = IdField(
        source="post_id",
        required=False,
        allow_null=True,
        help_text="The reported post (one the requester may see, by this person); null for the profile.",
    )
    outcome = serializers.SerializerMethodField(help_text="What the staff decided; null while open.")

    class Meta:
        model = Report
        fields = (
            "id", "username", "reported", "post", "reason", "note", "created_at", "resolved_at", "outcome",
        )  # fmt: skip
        read_only_fields = ("created_at", "resolved_at")

    def get_outcome(self, report: Report) -> str | None:
        return report.decision.outcome if report.resolved_at and report.decision else None


class ReportedPersonSerializer(PersonSerializer):
    """The reported person as a moderator needs them: their bio, whether they are suspended (until when),
    and how many open reports are about them."""

    bio = serializers.CharField(read_only=True)
    suspended = serializers.BooleanField(source="profile.is_suspended", read_only=True)
    suspended_until = serializers.DateTimeField(source="profile.suspended_until", read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = (*PersonSerializer.Meta.fields, "bio", "suspended", "suspended_until")


class RepliedPostSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)

    class Meta:
        model = Post
        fields = ("id", "author", "body")
        read_only_fields = fields


class ReportedPostSerializer(serializers.ModelSerializer):
    """The reported post as it is (whatever its audience: the staff decide on it), with what it replies to."""

    in_reply_to = RepliedPostSerializer(source="reply_to", read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = (
            "id", "body", "content_warning", "visibility", "created_at", "edited_at", "in_reply_to",
            "attachments",
        )  # fmt: skip
        read_only_fields = fields


class OpenReportSerializer(serializers.ModelSerializer):
    """An open report in the moderation queue, with the reported post or person in context."""

    reporter = PersonSerializer(read_only=True)
    reported = ReportedPersonSerializer(source="reported_user", read_only=True)
    post = ReportedPostSerializer(read_only=True, allow_null=True)
    open_about_person = serializers.IntegerField(
        read_only=True, help_text="Open reports about the reported person, this one included."
    )

    class Meta:
        model = Report
        fields = ("id", "reporter", "reported", "post", "reason", "note", "created_at", "open_about_person")
        read_only_fields = fields


#: The suspensions a moderator may choose, in days (the queue's choices; none: permanently).
SUSPENSION_DAYS = [int(value) for value, _ in ModerationForm.DURATIONS if value]


class DecisionSerializer(serializers.Serializer):
    """A moderator's decision on an open report (``graph.services.decide``, as the moderation queue)."""

    kind = serializers.ChoiceField(
        choices=ModerationForm.DECISIONS,
        help_text="hide_post (a report about a post only), suspend, or dismiss.",
    )
    days = serializers.ChoiceField(
        choices=SUSPENSION_DAYS,
        required=False,
        allow_null=True,
        help_text="For a suspension: how many days; null or left out: permanently. Ignored otherwise.",
    )
    reason = serializers.CharField(max_length=1000, help_text="Why (kept in the moderation log).")


class ModerationActionSerializer(serializers.ModelSerializer):
    """A decision in the moderation log: what, about whom, by whom and why; ``outcome`` is what the
    reporters were told."""

    moderator = PersonSerializer(read_only=True)
    person = PersonSerializer(read_only=True)
    post = IdField(source="post_id", read_only=True, allow_null=True)
    outcome = serializers.CharField(read_only=True)

    class Meta:
        model = ModerationAction
        fields = (
            "id", "kind", "moderator", "person", "post", "reason", "suspended_until", "created_at", "outcome",
        )  # fmt: skip
        read_only_fields = fields
