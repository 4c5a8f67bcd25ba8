from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import load_backend
from django.db.models.sql.compiler import SQLCompiler

from .factories import UserFactory

pytestmark = pytest.mark.django_db

#: The backends that load who is signed in from a session (django-axes only counts failed logins).
LOADING = [path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")]


@pytest.mark.parametrize("path", LOADING)
def test_the_signed_in_person_is_read_without_compiling_sql_again(path):
    backend = load_backend(path)
    user = UserFactory()
    assert backend.get_user(user.pk) == user  # the first read compiles the statement

    def compiles(*args, **kwargs):
        raise AssertionError("compiled again")

    other = UserFactory()
    with mock.patch.object(SQLCompiler, "as_sql", compiles):
        assert backend.get_user(other.pk) == other
        assert backend.get_user(str(user.pk)) == user  # the session keeps the id as text
        assert async_to_sync(backend.aget_user)(user.pk) == user


@pytest.mark.parametrize("path", LOADING)
def test_an_unknown_or_deactivated_account_is_nobody(path):
    backend = load_backend(path)
    user = UserFactory(is_active=False)
    assert backend.get_user(user.pk) is None
    assert backend.get_user(user.pk + 1000) is None


def test_a_deactivated_account_is_signed_out_on_its_next_request(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/").wsgi_request.user == user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not client.get("/").wsgi_request.user.is_authenticated
