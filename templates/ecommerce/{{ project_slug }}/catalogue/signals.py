"""Signal receivers, connected in ``CatalogueConfig.ready()``: a change of the catalogue renews the product
list pages that visitors who are not signed in get from the page cache (``core/page_cache.py``).

Stock moves with ``QuerySet.update()``, which sends no signal: ``stock.py`` renews them itself.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..core.page_cache import invalidate_pages
from .models import Category, Product, ProductImage, Variant

#: The page-cache group of the product list pages (the shop's front page, with any filter).
PAGES = "catalogue:lists"


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
