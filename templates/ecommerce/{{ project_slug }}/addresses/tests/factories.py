import factory

from ...users.tests.factories import UserFactory
from ..models import Address

__all__ = ["AddressFactory", "UserFactory"]


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    full_name = "Ada Lovelace"
    address_line1 = factory.Sequence(lambda n: f"{n} Babbage Street")
    postcode = "SW1Y 4JH"
    city = "London"
    country = "United Kingdom"
