"""Slugs for URLs: made from a name, unique within a model."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from .integrity import is_unique_violation


def unique_slug(
    instance: models.Model, value: str, *, field: str = "slug", reserved: Collection[str] = ()
) -> str:
    """A slug for ``value`` that no other row of ``instance``'s model uses: ``name``, ``name-2``…

    ``reserved`` slugs are never handed out (e.g. words that a URL pattern beside the slug needs).
    """
    max_length = instance._meta.get_field(field).max_length
    base = slugify(value)[: max_length - 4].strip("-") or instance._meta.model_name
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    slug, number = base, 2
    while slug in reserved or others.filter(**{field: slug}).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


class UniqueSlugModel(models.Model):
    """A model whose ``slug`` is made from another field when it is first saved.

    Two requests saving the same name at the same moment both find the slug free; the unique index
    refuses the second, which then takes the next free slug instead of failing.
    """

    slug_from: ClassVar[str]
    reserved_slugs: ClassVar[Collection[str]] = ()
    slug_attempts: ClassVar[int] = 3

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if getattr(self, "slug", ""):
            super().save(*args, **kwargs)
            return
        for attempt in range(1, self.slug_attempts + 1):
            self.slug = unique_slug(self, getattr(self, self.slug_from), reserved=self.reserved_slugs)
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError as error:
                self.slug = ""
                if attempt == self.slug_attempts or not is_unique_violation(error):
                    raise
