"""factory_boy factories: https://factoryboy.readthedocs.io/en/stable/orms.html#django"""

import factory

from ...users.tests.factories import UserFactory
from ..models import Label, Task, TaskList


class TaskListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskList

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"List {n}")


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"label{n}")


class TaskFactory(factory.django.DjangoModelFactory):
    """An open task without a due date; ``TaskFactory(labels=[…])`` attaches labels."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Task number {n}")
    notes = factory.Faker("sentence")

    @factory.post_generation
    def labels(self, create: bool, extracted: list[Label] | None, **kwargs: object) -> None:
        if create and extracted:
            self.labels.set(extracted)
