from decimal import Decimal

import factory

from ...catalogue.tests.factories import UserFactory, VariantFactory
from ..models import ShippingMethod

__all__ = ["ShippingMethodFactory", "UserFactory", "VariantFactory"]


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod
        django_get_or_create = ("name",)

    name = "Standard"
    price = Decimal("4.90")
