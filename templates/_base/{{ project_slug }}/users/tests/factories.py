"""Test data factories (factory_boy): https://factoryboy.readthedocs.io/"""

import factory

#: The password every ``UserFactory`` user has (hashed with the test settings' hasher).
PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = "users.User"
