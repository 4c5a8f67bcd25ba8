"""Slugs for URLs: made from a name, unique within a model."""

from __future__ import annotations

from collections.abc import Collection

from django.db import models
from django.utils.text import slugify


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
