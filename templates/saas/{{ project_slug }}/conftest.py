"""Fixtures shared by the SaaS apps' tests: two organisations, Acme (Pro) and Globex (Free), with an
owner, an admin and a member in Acme and an owner in Globex (the stranger to Acme's data)."""

import pytest

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
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
