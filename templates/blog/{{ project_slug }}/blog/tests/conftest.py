from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from .factories import PostFactory, UserFactory


@pytest.fixture
def author(db):
    return UserFactory(username="author")


@pytest.fixture
def other_user(db):
    return UserFactory(username="someone_else")


@pytest.fixture
def post(author):
    return PostFactory(author=author, title="A published post")


@pytest.fixture
def draft(author):
    return PostFactory(author=author, title="A secret draft", draft=True)


@pytest.fixture
def png_file():
    """A real, small PNG image as an uploaded file."""

    def make(name: str = "cover.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
        buffer = BytesIO()
        Image.new("RGB", size, color=(12, 75, 51)).save(buffer, format="PNG")
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")

    return make
