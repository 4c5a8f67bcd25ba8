"""``python manage.py rebuild_listing``: every product's place in the product list again, from its variants
(after an import)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ... import listing
from ...models import Product, Shelf


class Command(BaseCommand):
    help = (
        "Put every product on its shelf of the product list again (price, stock, facet counts), from its "
        "variants: after an import with bulk_create(), update() or raw SQL, which send no signals."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        listing.rebuild()
        listed = Product.objects.exclude(shelf=None).count()
        shelves = Shelf.objects.count()
        self.stdout.write(self.style.SUCCESS(f"{listed} product(s) listed, on {shelves} shelf(s)."))
