"""What the tests of "Your data" share: people with posts, images and reactions, and a built export."""

import io
import json
import zipfile
from io import BytesIO

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ...posts import media, services
from ..models import Export
from ..services import build, download_token


def image(colour: str = "#18744f") -> media.PreparedImage:
    buffer = BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, "PNG")
    upload = SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")
    return media.prepare(upload, "A green square")


def post_with_image(author, body: str = "With a picture", **kwargs):
    return services.create_post(author, body=body, images=[image()], **kwargs)


def ready_export(user) -> Export:
    """An export of ``user`` built as the background task builds it: in the storage, its link works."""
    export = Export.objects.create(user=user)
    assert build(export.pk)
    export.refresh_from_db()
    return export


def link(export: Export) -> str:
    return reverse("exports:download", args=[download_token(export)])


def files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def stored(export: Export) -> dict[str, bytes]:
    with storages["exports"].open(export.file_name, "rb") as archive:
        return files(archive.read())


def document(export: Export) -> dict:
    return json.loads(stored(export)["export.json"])
