"""Fixtures shared by the SaaS apps' tests: two organisations, Acme (Pro) and Globex (Free), with an
owner, an admin and a member in Acme and an owner in Globex (the stranger to Acme's data)."""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend

from .organizations.context import organization_context
from .organizations.permissions import Role
from .organizations.tests.factories import MembershipFactory, OrganizationFactory
from .users.tests.factories import UserFactory


@pytest.fixture
def acme(db):
    return OrganizationFactory(name="Acme", slug="acme", plan="pro")


@pytest.fixture
def globex(db):
    return OrganizationFactory(name="Globex", slug="globex", plan="free")


@pytest.fixture
def owner(acme):
    return MembershipFactory(organization=acme, user=UserFactory(username="olivia"), role=Role.OWNER).user


@pytest.fixture
def org_admin(acme):
    return MembershipFactory(organization=acme, user=UserFactory(username="adam"), role=Role.ADMIN).user


@pytest.fixture
def member(acme):
    return MembershipFactory(organization=acme, user=UserFactory(username="mia"), role=Role.MEMBER).user


@pytest.fixture
def stranger(globex):
    """Owner of Globex, and nothing in Acme."""
    return MembershipFactory(organization=globex, user=UserFactory(username="stan"), role=Role.OWNER).user


@pytest.fixture
def in_acme(acme):
    with organization_context(acme):
        yield acme


@pytest.fixture
def client_as(client):
    """``client_as(user)``: ``client``, signed in as ``user`` with a new session holding what ``login()``
    stores (the user, the backend, the password hash), saved once. ``client.force_login`` would save an
    empty session first, read it back, cycle its key and update ``last_login``: three times the queries.
    Tests of the sign-in itself use the login page."""

    def sign_in(user):
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = _session_backend()
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        return client

    return sign_in


def _session_backend() -> str:
    """The backend ``force_login`` names: the first that can load a user from the session."""
    return next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
