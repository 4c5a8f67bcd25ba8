"""Pictures for the demo catalogue, drawn with Pillow when the demo data is loaded (no files to ship): the
product's initial on a colour of its own, with a soft circle behind it."""

from __future__ import annotations

import zlib
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 900)
#: How the pictures are encoded (Pillow's WebP options; ``method`` trades encoding time for a smaller file).
WEBP_OPTIONS: dict[str, int] = {"quality": 82, "method": 4}
#: (background, circle, letter): calm colours that read well in both schemes.
PALETTE = [
    ("#0c5c3e", "#18744f", "#e1f1e9"),
    ("#5b3a29", "#74503c", "#f6e7dc"),
    ("#23445f", "#33607f", "#e1ecf6"),
    ("#7a4d00", "#94630f", "#fff1cc"),
    ("#4c1d95", "#6232b0", "#ede9fe"),
    ("#831843", "#9d2a59", "#fce7f3"),
]


def product_picture(name: str) -> bytes:
    """A WebP picture for the product ``name``; the same name always gives the same colours."""
    background, circle, letter = PALETTE[zlib.crc32(name.encode()) % len(PALETTE)]
    width, height = SIZE
    picture = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(picture)
    radius = height * 0.36
    centre = (width * 0.5, height * 0.5)
    draw.ellipse(
        (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius), fill=circle
    )
    font = ImageFont.load_default(size=int(height * 0.4))
    draw.text(centre, name[:1].upper(), fill=letter, font=font, anchor="mm")
    buffer = BytesIO()
    picture.save(buffer, "WEBP", **WEBP_OPTIONS)
    return buffer.getvalue()
