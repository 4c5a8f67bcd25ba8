"""Smaller copies of product images, so that a phone downloads a picture the size it shows.

Saving a ``ProductImage`` writes WebP copies ``WIDTHS`` wide (those narrower than the original) next to it
in the default storage, once; pages list them in ``srcset`` and the browser picks one
(``{% product_image %}`` in ``templatetags/shop.py``)."""

from __future__ import annotations

from io import BytesIO
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

if TYPE_CHECKING:
    from .models import ProductImage

#: The widths, in pixels, of the copies: a phone's card, a phone's product page or a desktop card, a desktop
#: product page.
WIDTHS = (320, 640, 960)
#: How the copies are encoded (Pillow's WebP options; ``method`` trades encoding time for a smaller file).
WEBP_OPTIONS: dict[str, int] = {"quality": 80, "method": 4}


def rendition_name(name: str, width: int) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.webp"))


def widths_of(image: ProductImage) -> list[int]:
    """The rendition widths this image has: those narrower than the original."""
    return [width for width in WIDTHS if image.width and width < image.width]


def make_renditions(image: ProductImage) -> None:
    """Write the missing copies of ``image`` (none for a picture Pillow cannot read: the original shows)."""
    name = image.image.name
    missing = [width for width in widths_of(image) if not default_storage.exists(rendition_name(name, width))]
    if not missing:
        return
    try:
        with image.image.open("rb") as file, Image.open(file) as original:
            original.load()
    except (OSError, UnidentifiedImageError):
        return
    for width in missing:
        copy = original.convert("RGB")
        copy.thumbnail((width, width * 10), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        copy.save(buffer, "WEBP", **WEBP_OPTIONS)
        default_storage.save(rendition_name(name, width), ContentFile(buffer.getvalue()))


def srcset(image: ProductImage) -> str:
    """``url 320w, url 640w, …, original-url <its width>w``."""
    sources = [f"{default_storage.url(rendition_name(image.image.name, w))} {w}w" for w in widths_of(image)]
    if image.width:
        sources.append(f"{image.image.url} {image.width}w")
    return ", ".join(sources)
