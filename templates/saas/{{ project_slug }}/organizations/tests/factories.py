"""Factories for the SaaS models. Organisation-owned rows are created through ``unscoped`` on purpose:
a test sets up data for any organisation; reading it back goes through the scoped managers."""

import factory
from django.utils import timezone

from ...apikeys.models import ApiKey
from ...billing.models import Subscription
from ...invitations.models import Invitation
from ...projects.models import Project, Task
from ...users.tests.factories import UserFactory
from ..models import Membership, Organization
from ..permissions import Role


class UnscopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.unscoped


class OrganizationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    @factory.post_generation
    def plan(self, create, extracted, **kwargs):
        if create:
            Subscription.objects.create(organization=self, plan=extracted or "free", status="active")


class MembershipFactory(factory.django.DjangoModelFactory):
    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER

    class Meta:
        model = Membership


class ProjectFactory(UnscopedFactory):
    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Project {n}")

    class Meta:
        model = Project


class TaskFactory(UnscopedFactory):
    project = factory.SubFactory(ProjectFactory)
    organization = factory.SelfAttribute("project.organization")
    title = factory.Sequence(lambda n: f"Task {n}")

    class Meta:
        model = Task


class InvitationFactory(UnscopedFactory):
    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MEMBER
    sent_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Invitation


class ApiKeyFactory(UnscopedFactory):
    organization = factory.SubFactory(OrganizationFactory)
    name = "Test key"
    prefix = factory.Sequence(lambda n: f"sk_test{n:05d}")
    hashed_secret = "0" * 64

    class Meta:
        model = ApiKey
