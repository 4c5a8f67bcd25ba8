"""Writing, editing, deleting, liking and boosting posts, and following tags. Views and the API call these;
each checks its rules.

Notifications (reply, mention, like, boost) are added and taken back here, so every way in behaves the same.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..graph import moderation
from ..graph.selectors import blocked_by_ids, blocking_ids
from ..notifications.models import Notification
from ..notifications.services import notify, retract
from ..profiles.counts import invalidate_counts
from ..profiles.models import present
from . import limits, managers, media
from .models import (
    CONTENT_WARNING_MAX_LENGTH,
    TAG_MAX_LENGTH,
    Boost,
    Like,
    Post,
    PostEdit,
    Tag,
    TagFollow,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

#: ``@username``: Django usernames are letters, digits and @ . + - _ (a trailing dot ends a sentence).
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
MAX_MENTIONS = 10
#: ``#tag``: letters, digits and underscores in any script, with at least one letter (``#1`` is a number);
#: not inside a word, a URL's path or an HTML entity (``page#top``, ``/#top``, ``&#39;``).
HASHTAG = re.compile(r"(?<![\w#&/])#(\w*[^\W\d_]\w*)")
MAX_TAGS = 10


class PostError(Exception):
    """A post action that is not allowed; the message is shown to the person."""


def mentioned_usernames(body: str) -> list[str]:
    names = []
    for match in MENTION.finditer(body):
        name = match.group(1).rstrip(".")
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def tag_name(text: str) -> str | None:
    """The stored name of the tag ``text`` (with or without its ``#``), or None if it is not a tag.

    Unicode-normalised (NFC, so a letter typed with a combining accent is the same letter) and case-folded:
    ``#Café``, ``#CAFÉ`` and ``#cafe\u0301`` are one tag, ``café``.
    """
    text = unicodedata.normalize("NFC", text).removeprefix("#")
    match = HASHTAG.fullmatch(f"#{text}")
    if match is None:
        return None
    name = unicodedata.normalize("NFC", text.casefold())
    return name if len(name) <= TAG_MAX_LENGTH else None


def hashtags(body: str) -> list[str]:
    """The tags of a post's text, in order, each once (at most ``MAX_TAGS``): what is stored and linked."""
    names: list[str] = []
    for match in HASHTAG.finditer(unicodedata.normalize("NFC", body)):
        name = tag_name(match.group(1))
        if name and name not in names:
            names.append(name)
    return names[:MAX_TAGS]


def _store_rows(post: Post, rows, field: str, wanted: set[int], *, new: bool) -> tuple[set[int], set[int]]:
    """Make ``post``'s ``rows`` (its tag or mention rows) name exactly the ``wanted`` ids of ``field``: add
    the missing, delete the others (a ``new`` post has none yet). Returns (added, removed) ids.

    ignore_conflicts: two saves at once may add the same row; the unique constraint keeps one.
    """
    current = set() if new else set(rows.values_list(field, flat=True))
    added, removed = wanted - current, current - wanted
    if added:
        rows.model.objects.bulk_create(
            [rows.model(post=post, **{field: pk}) for pk in added], ignore_conflicts=True
        )
    if removed:
        rows.filter(**{f"{field}__in": removed}).delete()
    return added, removed


def _sync_tags(post: Post, *, new: bool = False) -> None:
    """Store the tags ``post`` uses: new names become tags, tags the text no longer has are let go (a
    ``new`` post has none yet)."""
    names = hashtags(post.body)
    wanted = set()
    if names:
        # ignore_conflicts: two posts may bring a new tag at once; the unique name keeps one row.
        Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
        wanted = set(Tag.objects.filter(name__in=names).values_list("pk", flat=True))
    _store_rows(post, post.tag_rows, "tag_id", wanted, new=new)


def _sync_mentions(post: Post, *, new: bool = False) -> tuple[set[int], set[int]]:
    """Store who ``post`` mentions (people who exist, are not its author, and no block between them); a
    ``new`` post has no mentions stored yet.

    Returns (added, removed) user ids.
    """
    usernames = mentioned_usernames(post.body)
    wanted = set()
    if usernames:
        wanted = set(
            get_user_model()
            .objects.filter(present(), username__in=usernames)
            .exclude(pk=post.author_id)
            .exclude(pk__in=blocking_ids(post.author))
            .exclude(pk__in=blocked_by_ids(post.author))
            .values_list("pk", flat=True)
        )
    return _store_rows(post, post.mention_rows, "user_id", wanted, new=new)


def _users(ids: set[int]) -> list[AbstractBaseUser]:
    return list(get_user_model().objects.filter(pk__in=ids)) if ids else []


def may_see(person: AbstractBaseUser, post: Post) -> bool:
    """Whether ``person`` may see ``post`` now (the privacy rule, with the whole thread above it)."""
    return managers.may_see(person, post.pk)


def _announce(post: Post, mentioned: set[int]) -> None:
    """Tell the people ``post`` newly mentions, and the author of the post it answers, if they may see it.

    Someone mentioned in a reply below a post they may not see is not told (the link would be a 404).
    """
    parent = post.reply_to
    if parent is not None and parent.author_id != post.author_id and may_see(parent.author, post):
        notify(parent.author, Notification.Kind.REPLY, post.author, parent)
    for person in _users(mentioned):
        if may_see(person, post):
            notify(person, Notification.Kind.MENTION, post.author, post)


def _is_narrow(person: AbstractBaseUser) -> bool:
    """A private account's posts reach its followers only, whatever their visibility says."""
    profile = getattr(person, "profile", None)  # None for an anonymous visitor
    return bool(profile and profile.is_private)


def default_visibility(author: AbstractBaseUser, reply_to: Post | None = None) -> str:
    """The visibility a new post starts with: the narrower of the author's default and, for a reply,
    its parent's (a reply under a followers-only post starts followers-only, never public)."""
    narrow = _is_narrow(author) or (
        reply_to is not None
        and (reply_to.visibility == Post.Visibility.FOLLOWERS or _is_narrow(reply_to.author))
    )
    return Post.Visibility.FOLLOWERS if narrow else Post.Visibility.PUBLIC


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise PostError("Write something first: a post cannot be empty.")
    if len(body) > settings.SOCIAL_POST_MAX_LENGTH:
        raise PostError(
            f"A post has at most {settings.SOCIAL_POST_MAX_LENGTH} characters (this one has {len(body)})."
        )
    return body


def clean_content_warning(text: str) -> str:
    """The warning, trimmed ("" for none); a line break would not fit the one line it is shown on."""
    text = " ".join((text or "").split())
    if len(text) > CONTENT_WARNING_MAX_LENGTH:
        raise PostError(
            f"A content warning has at most {CONTENT_WARNING_MAX_LENGTH} characters "
            f"(this one has {len(text)})."
        )
    return text


@transaction.atomic
def create_post(
    author: AbstractBaseUser,
    *,
    body: str,
    visibility: str = Post.Visibility.PUBLIC,
    reply_to: Post | None = None,
    content_warning: str = "",
    images: list[media.PreparedImage] | None = None,
) -> Post:
    """Publish a post or a reply, with up to ``media.MAX_ATTACHMENTS`` images (``media.prepare``). Replies
    are allowed only to posts the author may see; a suspended account may not post."""
    if moderation.is_suspended(author):
        raise PostError("Your account is suspended: you cannot post for now.")
    body = clean_body(body)
    content_warning = clean_content_warning(content_warning)
    images = images or []
    if len(images) > media.MAX_ATTACHMENTS:
        raise PostError(f"A post has at most {media.MAX_ATTACHMENTS} images ({len(images)} were sent).")
    if reply_to is not None and not may_see(author, reply_to):
        raise PostError("You cannot reply to this post.")
    limits.hit(author.pk, "post")
    post = Post.objects.create(
        author=author, body=body, visibility=visibility, reply_to=reply_to, content_warning=content_warning
    )
    added, _ = _sync_mentions(post, new=True)
    _sync_tags(post, new=True)
    invalidate_counts(author)
    _announce(post, added)
    media.attach(post, images)  # last: if it fails, it removes the files it stored
    return post


@transaction.atomic
def edit_post(post: Post, *, body: str, visibility: str, content_warning: str | None = None) -> Post:
    """Change a post's text, audience and (unless ``content_warning`` is None) its warning. What it said
    before is kept (``PostEdit``) when anything changed; edits of one post are serialised on its row, so
    each version is kept once and in order."""
    body = clean_body(body)
    if content_warning is None:
        content_warning = Post.objects.values_list("content_warning", flat=True).get(pk=post.pk)
    content_warning = clean_content_warning(content_warning)
    before = Post.objects.select_for_update().only("body", "content_warning", "visibility").get(pk=post.pk)
    if (before.body, before.content_warning, before.visibility) == (body, content_warning, visibility):
        return post  # nothing changed: no new version, not marked edited
    now = timezone.now()
    PostEdit.objects.create(
        post=post,
        body=before.body,
        content_warning=before.content_warning,
        visibility=before.visibility,
        replaced_at=now,
    )
    post.body, post.content_warning, post.visibility, post.edited_at = body, content_warning, visibility, now
    post.save(update_fields=["body", "content_warning", "visibility", "edited_at"])
    if visibility != Post.Visibility.PUBLIC:
        _drop_boosts(post)  # a post no longer public cannot stay boosted (the feed hides it anyway)
    added, removed = _sync_mentions(post)
    _sync_tags(post)
    _announce(post, added)  # a reply now visible to the post's author is announced (once)
    for person in _users(removed):
        retract(person, Notification.Kind.MENTION, post.author, post)
    return post


@transaction.atomic
def delete_post(post: Post) -> None:
    """Delete a post (and its replies); the notification of the reply goes with it, and the files of their
    images once the delete commits (``media.remove_files``)."""
    if post.reply_to_id is not None:
        retract(post.reply_to.author, Notification.Kind.REPLY, post.author, post.reply_to)
    post.delete()
    invalidate_counts(post.author)


@transaction.atomic
def like(user: AbstractBaseUser, post: Post) -> bool:
    """Like a post the person may see; returns False when they already liked it (one like each)."""
    if not may_see(user, post):
        raise PostError("You cannot like this post.")
    _, created = Like.objects.get_or_create(post=post, user=user)
    if created:
        notify(post.author, Notification.Kind.LIKE, user, post)
    return created


@transaction.atomic
def unlike(user: AbstractBaseUser, post: Post) -> bool:
    deleted, _ = Like.objects.filter(post=post, user=user).delete()
    if deleted:
        retract(post.author, Notification.Kind.LIKE, user, post)
    return bool(deleted)


def may_boost(user: AbstractBaseUser, post: Post) -> bool:
    """Whether ``user`` may boost ``post``: a public post of a public account that they may see (Mastodon's
    rule: a boost shows the post to the booster's followers, who might not be its audience otherwise)."""
    return managers.may_boost(user, post.pk)


@transaction.atomic
def boost(user: AbstractBaseUser, post: Post) -> bool:
    """Boost a post into the person's followers' feeds; returns False when they already boosted it.

    Refused (``PostError``) for a post that is not public, of a private account, or one they may not see.
    The unique constraint keeps one boost per person and post, even for two requests at once.
    """
    # Lock the post's row first: an edit making it followers-only (which then drops its boosts) waits for
    # this boost, or this boost waits for the edit and reads the new visibility.
    locked = list(Post.objects.select_for_update().filter(pk=post.pk).values_list("pk", flat=True))
    if not locked or not may_boost(user, post):
        raise PostError("Only public posts can be boosted: this one is not, or you cannot see it.")
    _, created = Boost.objects.get_or_create(post=post, user=user)
    if created:
        notify(post.author, Notification.Kind.BOOST, user, post)
    return created


@transaction.atomic
def unboost(user: AbstractBaseUser, post: Post) -> bool:
    """Take a boost back: it leaves every feed; returns False when there was none."""
    deleted, _ = Boost.objects.filter(post=post, user=user).delete()
    if deleted:
        retract(post.author, Notification.Kind.BOOST, user, post)
    return bool(deleted)


def _drop_boosts(post: Post) -> None:
    """Remove every boost of ``post`` (now not public) and the author's boost notification."""
    Boost.objects.filter(post=post).delete()
    Notification.objects.filter(
        recipient=post.author_id, group_key=Notification.key_for(Notification.Kind.BOOST, post.pk)
    ).delete()


def follow_tag(user: AbstractBaseUser, name: str) -> tuple[Tag, bool]:
    """Follow the tag ``name`` (made if nobody used it yet): its public posts join the person's feed.

    Returns the tag and whether the follow is new. Safe to repeat, even at the same moment: the unique
    constraint keeps one follow (``get_or_create`` reads the winner's row).
    """
    normalised = tag_name(name)
    if normalised is None:
        raise PostError(f"#{name} is not a hashtag: use letters, digits and underscores, with a letter.")
    tag, _ = Tag.objects.get_or_create(name=normalised)
    _, created = TagFollow.objects.get_or_create(user=user, tag=tag)
    return tag, created


def unfollow_tag(user: AbstractBaseUser, name: str) -> bool:
    """Stop following the tag ``name``; returns False when the person did not follow it."""
    normalised = tag_name(name)
    if normalised is None:
        return False
    deleted, _ = TagFollow.objects.filter(user=user, tag__name=normalised).delete()
    return bool(deleted)


def follows_tag(user: AbstractBaseUser, name: str) -> bool:
    return user.is_authenticated and TagFollow.objects.filter(user=user, tag__name=name).exists()
