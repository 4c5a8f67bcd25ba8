"""factory_boy factories of the shop: https://factoryboy.readthedocs.io/en/stable/orms.html#django"""

from decimal import Decimal

import factory
from django.utils.text import slugify

from ...users.tests.factories import PASSWORD, UserFactory
from ..models import Category, Product, Variant

__all__ = ["PASSWORD", "CategoryFactory", "ProductFactory", "UserFactory", "VariantFactory"]


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    # Unique by the sequence: saves the model's free-slug lookup (``core/slugs.py``, tested there) per row.
    slug = factory.LazyAttributeSequence(lambda category, n: f"{slugify(category.name)[:60]}-f{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.LazyAttributeSequence(lambda product, n: f"{slugify(product.name)[:60]}-f{n}")
    description = factory.Faker("sentence")


class VariantFactory(factory.django.DjangoModelFactory):
    """A variant with 10 units in stock, none allocated."""

    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Option {n}")
    price = Decimal("10.00")
    in_stock = 10
