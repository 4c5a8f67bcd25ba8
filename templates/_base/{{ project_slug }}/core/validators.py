"""Validation of uploaded files: type (by extension and by content) and size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator, get_available_image_extensions
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible


@deconstructible
class MaxFileSizeValidator:
    """Reject files larger than ``settings.IMAGE_UPLOAD_MAX_BYTES`` (or ``max_bytes``)."""

    message = "The file is too large (%(size)s); the largest accepted is %(limit)s."
    code = "file_too_large"

    def __init__(self, max_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes

    def __call__(self, file: UploadedFile) -> None:
        limit = self.max_bytes or settings.IMAGE_UPLOAD_MAX_BYTES
        if file.size is not None and file.size > limit:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxFileSizeValidator) and self.max_bytes == other.max_bytes


def validate_image_extension(file: UploadedFile) -> None:
    """Accept only the image formats listed in ``settings.IMAGE_UPLOAD_EXTENSIONS``."""
    allowed = [ext for ext in settings.IMAGE_UPLOAD_EXTENSIONS if ext in get_available_image_extensions()]
    FileExtensionValidator(allowed_extensions=allowed)(file)


#: Validators for every image upload; ``ImageField`` itself checks the content is a real image.
IMAGE_VALIDATORS = [validate_image_extension, MaxFileSizeValidator()]
