"""The export archive of one person ("take your data with you"), a ZIP file:

- ``export.json``: their account and profile, their posts (each with its tags, mentions, images and edit
  history), the people they follow and who follow them, whom they block and mute, the tags they follow,
  and the posts they liked and boosted;
- ``csv/following.csv``, ``csv/blocks.csv``, ``csv/mutes.csv``: the lists again, for a spreadsheet or
  another service's import (cells that a spreadsheet would run as a formula get a leading ``'``);
- ``media/``: the original images of their posts (from the private ``SOCIAL_MEDIA_ROOT`` storage), and
  ``avatar.<ext>``.

Only what is theirs, or what they may see now: every query names the person, and a liked or boosted post
is listed only while the privacy rule (``Post.objects.visible_to``) lets them see it (a post that went
followers-only, or whose author blocked them since, is left out). Other people's followers, posts and
images are never in it. The number of queries does not grow with the number of posts.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import IO, Any

from django.db.models import Prefetch

from ..core.archives import add_stored_file, write_zip
from ..graph.models import Block, Follow, Mute
from ..graph.selectors import unblocked
from ..posts import statements
from ..posts.media import attachment_storage
from ..posts.models import Attachment, Boost, Like, Post, TagFollow

#: CSV file -> its columns.
COLUMNS = {
    "following": ["username", "since"],
    "blocks": ["username", "since"],
    "mutes": ["username", "since"],
}


def _media_name(attachment: Attachment) -> str:
    return f"media/{PurePosixPath(attachment.image.name).name}"


def _post(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "url": post.get_absolute_url(),
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "visibility": post.visibility,
        "content_warning": post.content_warning,
        "body": post.body,
        "in_reply_to": post.reply_to_id,
        "tags": sorted(row.tag.name for row in post.tag_rows.all()),
        "mentions": sorted(row.user.username for row in post.mention_rows.all()),
        "images": [
            {
                "file": _media_name(attachment),
                "alt_text": attachment.alt_text,
                "width": attachment.width,
                "height": attachment.height,
            }
            for attachment in post.attachments.all()
        ],
        "edit_history": [
            {
                "until": edit.replaced_at,
                "visibility": edit.visibility,
                "content_warning": edit.content_warning,
                "body": edit.body,
            }
            for edit in post.edits.all()
        ],
    }


def _people(rows, person: str) -> list[dict[str, Any]]:
    return [{"username": getattr(row, person).username, "since": row.created_at} for row in rows]


def _reactions(model, user) -> list[dict[str, Any]]:
    """The posts ``user`` liked (or boosted) that they may still see. Compiled once per process for every
    reader (``posts.statements``): the privacy rule is most of its cost."""
    statement = statements.kept(model, ("reactions", model._meta.label), lambda: _reaction_rows(model))
    rows = statement.rows(**statements.values_for(user))
    return [
        {
            "post": row.post_id,
            "url": row.post.get_absolute_url(),
            "author": row.post.author.username,
            "at": row.created_at,
        }
        for row in rows
    ]


def _reaction_rows(model):
    """``_reactions``' query for any reader (``statements.ANYONE``)."""
    reader = statements.ANYONE
    return (
        model.objects.filter(user=reader.pk, post__in=Post.objects.visible_to(reader).values("pk"))
        .select_related("post__author")
        .order_by("created_at", "pk")
    )


def collect(user) -> dict[str, Any]:
    """Everything of ``user`` the archive holds, as JSON-ready data (see the module's docstring)."""
    posts = (
        Post.objects.filter(author=user)
        .order_by("pk")
        .prefetch_related(
            "attachments",
            "edits",
            Prefetch("tag_rows__tag"),
            Prefetch("mention_rows__user"),
        )
    )
    followers = Follow.objects.filter(unblocked(user, "follower_id"), followee=user)
    return {
        "account": {
            "username": user.username,
            "display_name": user.name,
            "email": user.email,
            "bio": user.bio,
            "joined_at": user.date_joined,
            "private_account": user.profile.is_private,
            "hide_followers": user.profile.hide_followers,
        },
        "posts": [_post(post) for post in posts],
        "following": _people(Follow.objects.filter(follower=user).select_related("followee"), "followee"),
        "followers": _people(followers.select_related("follower"), "follower"),
        "blocks": _people(Block.objects.filter(blocker=user).select_related("blocked"), "blocked"),
        "mutes": _people(Mute.objects.filter(muter=user).select_related("muted"), "muted"),
        "followed_tags": [
            row.tag.name for row in TagFollow.objects.filter(user=user).select_related("tag").order_by("pk")
        ],
        "likes": _reactions(Like, user),
        "boosts": _reactions(Boost, user),
    }


def write(user, target: IO[bytes]) -> None:
    """Write the ZIP archive of ``user``'s data into ``target``."""
    with write_zip(target, collect(user), COLUMNS) as archive:
        images = Attachment.objects.filter(post__author=user).order_by("post_id", "position")
        for attachment in images:
            add_stored_file(archive, _media_name(attachment), attachment_storage(), attachment.image.name)
        avatar = user.profile.avatar
        if avatar:
            name = f"avatar{PurePosixPath(avatar.name).suffix}"
            add_stored_file(archive, name, avatar.storage, avatar.name)
