import pytest
from django.db import IntegrityError, transaction

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_str_is_the_display_name():
    user = UserFactory(username="ada", name="Ada Lovelace")
    assert str(user) == "Ada Lovelace"
    assert user.display_name == "Ada Lovelace"


def test_display_name_falls_back_to_the_username():
    user = UserFactory(username="grace", name="")
    assert user.display_name == "grace"
    assert str(user) == "grace"


def test_absolute_url_is_the_public_profile():
    user = UserFactory(username="linus")
    assert user.get_absolute_url() == "/accounts/u/linus/"


def test_email_is_unique():
    UserFactory(email="same@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="same@example.com")


def test_password_is_hashed():
    user = UserFactory()
    assert user.password.startswith("md5$")  # the test settings' fast hasher; argon2 elsewhere
    assert user.check_password("correct-horse-battery-staple")
