import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ..validators import IMAGE_VALIDATORS, MaxFileSizeValidator, validate_image_extension


def png_bytes(size: tuple[int, int] = (2, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color=(200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_small_png_passes_every_validator():
    file = upload("pixel.png", png_bytes())
    for validator in IMAGE_VALIDATORS:
        validator(file)
    cleaned = forms.ImageField(validators=IMAGE_VALIDATORS).clean(file)
    assert cleaned.name == "pixel.png"


def test_a_wrong_extension_is_rejected():
    with pytest.raises(ValidationError) as error:
        validate_image_extension(upload("notes.txt", b"hello", "text/plain"))
    assert error.value.code == "invalid_extension"


def test_an_executable_renamed_as_image_is_rejected_by_content():
    with pytest.raises(ValidationError):
        forms.ImageField(validators=IMAGE_VALIDATORS).clean(upload("evil.png", b"MZ\x90\x00not an image"))


def test_an_oversize_file_is_rejected():
    with pytest.raises(ValidationError) as error:
        MaxFileSizeValidator(max_bytes=10)(upload("big.png", b"x" * 11))
    assert error.value.code == "file_too_large"


def test_the_size_limit_comes_from_settings(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 100
    content = png_bytes()
    assert len(content) < 100
    MaxFileSizeValidator()(upload("small.png", content))
    with pytest.raises(ValidationError):
        MaxFileSizeValidator()(upload("big.png", content + b"\0" * 100))


def test_validators_compare_equal_for_migrations():
    assert MaxFileSizeValidator(10) == MaxFileSizeValidator(10)
    assert MaxFileSizeValidator(10) != MaxFileSizeValidator(20)
