"""Images attached to posts: the one module for what is accepted, how it is stored and how it is served.

- **Accepted**: JPEG, PNG and WebP, recognised by decoding the file (its name and declared type are
  ignored), of at most ``SOCIAL_MEDIA_MAX_BYTES`` bytes, ``SOCIAL_MEDIA_MAX_SIDE`` pixels a side and
  ``SOCIAL_MEDIA_MAX_PIXELS`` pixels in all. The size in pixels is read from the header and checked
  *before* anything is decoded, so a decompression bomb (a small file that decodes into a huge picture) is
  refused without using the memory it asks for; Pillow's own guard (``Image.MAX_IMAGE_PIXELS``) is a
  refusal too. Anything refused raises ``MediaError`` with the reason (a form error, an API 400).
- **At most** ``MAX_ATTACHMENTS`` per post: each attachment has a position below it (a check constraint)
  and one per position (a unique constraint), so the database itself keeps a fifth one out.
- **Re-encoded**: the picture is decoded, turned upright (its EXIF orientation applied) and encoded again
  with no metadata at all, so EXIF (a phone's GPS position, the camera's serial number), XMP and text
  chunks are gone from what is stored. A WebP thumbnail (at most ``THUMBNAIL_SIDE`` pixels a side) is made
  at the same time.
- **Private**: the files live under ``SOCIAL_MEDIA_ROOT``, outside ``MEDIA_ROOT``, in a storage with no
  URL. ``views.attachment`` serves them only to a viewer who may see the post
  (``Post.objects.visible_to``, the one privacy rule): anyone else gets a 404, whatever URL they guess.
  With ``SOCIAL_MEDIA_ACCEL_REDIRECT`` set, Django only decides and nginx sends the file
  (``X-Accel-Redirect`` to an ``internal`` location); otherwise Django streams it. Either way the answer
  is ``Cache-Control: private``: no shared cache keeps a copy for someone else.
- **Removed** with their row: deleting an attachment, its post or its author deletes the files once the
  transaction commits (a rolled-back delete keeps them).
"""

from __future__ import annotations

import struct
import uuid
import warnings
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.cache import patch_cache_control
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from .models import Attachment, Post

#: The most images one post may carry (also the database's check constraint on ``Attachment.position``).
MAX_ATTACHMENTS = 4
#: The longest description (alt text) of an image.
ALT_TEXT_MAX_LENGTH = 1500
#: The longest side of a thumbnail, in pixels.
THUMBNAIL_SIDE = 480
#: What is accepted, by the format Pillow decodes: (stored extension, content type).
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
#: The content type of each stored extension (thumbnails are WebP).
CONTENT_TYPES = dict(FORMATS.values())
#: For the file input's ``accept`` attribute (a hint to the browser; the decoder decides).
ACCEPT = ",".join(content_type for _, content_type in FORMATS.values())
#: How long a viewer's browser may reuse a file it was allowed to fetch (``Cache-Control: private``).
BROWSER_CACHE_SECONDS = 3600


class MediaError(ValueError):
    """An image that is refused; the message says why and is shown to the person."""


class AttachmentStorage(FileSystemStorage):
    """Files under ``settings.SOCIAL_MEDIA_ROOT`` (read at each use, so tests may move it): outside
    ``MEDIA_ROOT``, which a web server or ``static()`` may publish, and with no URL of their own."""

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.SOCIAL_MEDIA_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise ValueError("Attachments have no public URL: link to Attachment.get_absolute_url().")


_storage = AttachmentStorage()


def attachment_storage() -> AttachmentStorage:
    """The storage of ``Attachment``'s files (a callable, so migrations name it instead of copying it)."""
    return _storage


@dataclass(frozen=True)
class PreparedImage:
    """An accepted image, re-encoded without metadata, with its thumbnail: ready to attach."""

    content: bytes
    extension: str
    width: int
    height: int
    thumbnail: bytes
    thumbnail_width: int
    thumbnail_height: int
    alt_text: str = ""


def _refuse_size(width: int, height: int) -> None:
    """Refuse a picture too large in pixels, from its header (before decoding anything)."""
    side = settings.SOCIAL_MEDIA_MAX_SIDE
    if width > side or height > side:
        raise MediaError(f"The image is {width}x{height} pixels; at most {side} pixels a side are accepted.")
    if width * height > settings.SOCIAL_MEDIA_MAX_PIXELS:
        raise MediaError(
            f"The image is {width}x{height} pixels, more than the {settings.SOCIAL_MEDIA_MAX_PIXELS:,} "
            "pixels accepted."
        )


def _without_metadata(image: Image.Image) -> Image.Image:
    """The picture upright, in a mode its format stores, with no metadata left to write."""
    upright = ImageOps.exif_transpose(image) or image
    transparent = "A" in upright.getbands() or "transparency" in upright.info
    if image.format == "JPEG":
        mode = "L" if upright.mode == "L" else "RGB"
    else:
        mode = "RGBA" if transparent else ("L" if upright.mode == "L" else "RGB")
    clean = upright.convert(mode) if upright.mode != mode else upright.copy()
    clean.info = {}  # EXIF, XMP, comments, text chunks: nothing of the original is written again
    return clean


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def prepare(upload: UploadedFile, alt_text: str = "") -> PreparedImage:
    """Check ``upload`` and re-encode it (see the module's docstring); ``MediaError`` says what is wrong."""
    limit = settings.SOCIAL_MEDIA_MAX_BYTES
    if upload.size is None or upload.size > limit:
        size = filesizeformat(upload.size or 0)
        raise MediaError(f"The image is too large ({size}); the largest accepted is {filesizeformat(limit)}.")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that, and raises above: both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(FORMATS)) as image:
                _refuse_size(image.width, image.height)
                fmt = image.format or ""
                image.load()
                clean = _without_metadata(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise MediaError("The image decodes into too many pixels (a decompression bomb?).") from error
    except UnidentifiedImageError as error:
        raise MediaError("This is not a JPEG, PNG or WebP image.") from error
    except MediaError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError, struct.error) as error:
        # What Pillow's decoders raise on a damaged file (a header that lies, data cut short).
        raise MediaError("The image could not be read: the file is damaged or incomplete.") from error
    extension, _ = FORMATS[fmt]
    options = {"JPEG": {"quality": 85}, "WEBP": {"quality": 85}, "PNG": {}}[fmt]
    content = _encode(clean, fmt, **options)
    thumbnail = clean.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return PreparedImage(
        content=content,
        extension=extension,
        width=clean.width,
        height=clean.height,
        thumbnail=_encode(thumbnail, "WEBP", quality=80),
        thumbnail_width=thumbnail.width,
        thumbnail_height=thumbnail.height,
        alt_text=" ".join(alt_text.split())[:ALT_TEXT_MAX_LENGTH],
    )


def attach(post: Post, images: list[PreparedImage]) -> list[Attachment]:
    """Store ``images`` (at most ``MAX_ATTACHMENTS``, checked again by the database) on a new ``post``.

    Call inside the transaction that creates the post. If storing fails, the files written so far are
    deleted again before the error goes on (the rows roll back with the transaction).
    """
    from .models import Attachment

    if len(images) > MAX_ATTACHMENTS:
        raise MediaError(f"A post has at most {MAX_ATTACHMENTS} images ({len(images)} were sent).")
    stored: list[str] = []
    attachments = []
    try:
        for position, prepared in enumerate(images):
            key = uuid.uuid4().hex
            name = _storage.save(
                f"attachments/{key[:2]}/{key}.{prepared.extension}", ContentFile(prepared.content)
            )
            stored.append(name)
            thumbnail = _storage.save(
                f"attachments/{key[:2]}/{key}-thumbnail.webp", ContentFile(prepared.thumbnail)
            )
            stored.append(thumbnail)
            attachments.append(
                Attachment.objects.create(
                    post=post,
                    position=position,
                    image=name,
                    thumbnail=thumbnail,
                    width=prepared.width,
                    height=prepared.height,
                    thumbnail_width=prepared.thumbnail_width,
                    thumbnail_height=prepared.thumbnail_height,
                    alt_text=prepared.alt_text,
                )
            )
    except BaseException:
        _remove(stored)
        raise
    return attachments


def _remove(names: list[str]) -> None:
    for name in names:
        if name:
            _storage.delete(name)


@receiver(post_delete, sender="posts.Attachment", dispatch_uid="posts.media.remove_files")
def remove_files(sender, instance: Attachment, **kwargs) -> None:
    """An attachment's files go once the delete commits (a post's or an author's delete cascades here)."""
    transaction.on_commit(partial(_remove, [instance.image.name, instance.thumbnail.name]))


def serve(attachment: Attachment, *, thumbnail: bool = False) -> HttpResponse:
    """The file of an attachment the caller has already checked the viewer may see (``views.attachment``).

    With ``SOCIAL_MEDIA_ACCEL_REDIRECT`` (an nginx ``internal`` location), an empty answer that tells nginx
    which file to send; otherwise the file itself, streamed by Django. Private to the viewer's browser.
    """
    name = (attachment.thumbnail if thumbnail else attachment.image).name
    content_type = CONTENT_TYPES.get(Path(name).suffix.lstrip("."), "application/octet-stream")
    accel = settings.SOCIAL_MEDIA_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{quote(name)}"
    else:
        try:
            file = _storage.open(name, "rb")
        except FileNotFoundError as error:
            raise Http404("The file is gone.") from error
        response = FileResponse(file, content_type=content_type)
    patch_cache_control(response, private=True, max_age=BROWSER_CACHE_SECONDS)
    return response
