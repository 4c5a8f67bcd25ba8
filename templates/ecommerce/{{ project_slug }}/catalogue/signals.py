"""Signal receivers, connected in ``CatalogueConfig.ready()``.

- A saved or deleted product or variant moves its product between the list's shelves (``listing.py``). A
  variant's writer locks the product's row before the variant's (its old product's too, when it moves).
- A change of the catalogue renews the product list pages that visitors who are not signed in get from the
  page cache (``core/page_cache.py``).

Stock moves with ``QuerySet.update()``, which sends no signal: ``stock.py`` does both itself.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from ..core.page_cache import invalidate_pages
from . import listing
from .models import Category, Product, ProductImage, Variant

#: The page-cache group of the product list pages (the shop's front page, with any filter).
PAGES = "catalogue:lists"


@receiver(post_save, sender=Product)
def product_saved(sender: type, instance: Product, **kwargs: Any) -> None:
    listing.refresh([instance.pk])  # its category or active flag may have changed


@receiver(pre_delete, sender=Product)
def product_deleting(sender: type, instance: Product, **kwargs: Any) -> None:
    listing.refresh([instance.pk], leaving=True)


@receiver(pre_save, sender=Variant)
@receiver(pre_delete, sender=Variant)
def variant_changing(sender: type, instance: Variant, **kwargs: Any) -> None:
    """Lock its product (and the one it leaves, if moved) before the variant's row."""
    stored = [instance.pk] if instance.pk is not None else []
    instance._listed_products = listing.lock_products(variant_ids=stored, product_ids=[instance.product_id])


@receiver(post_save, sender=Variant)
@receiver(post_delete, sender=Variant)
def variant_changed(sender: type, instance: Variant, **kwargs: Any) -> None:
    listing.refresh(getattr(instance, "_listed_products", [instance.product_id]))


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
@receiver(post_save, sender=Variant)
@receiver(post_delete, sender=Variant)
@receiver(post_save, sender=ProductImage)
@receiver(post_delete, sender=ProductImage)
def catalogue_changed(sender: type, **kwargs: Any) -> None:
    """A category, product, variant (its price, its stock) or picture changed: the list pages are stale."""
    invalidate_pages(PAGES)
