"""factory_boy factories: https://factoryboy.readthedocs.io/en/stable/orms.html#django"""

from datetime import timedelta

import factory
from django.utils import timezone

from ...users.tests.factories import UserFactory
from ..models import Category, Comment, Post, Tag

__all__ = ["CategoryFactory", "CommentFactory", "PostFactory", "TagFactory", "UserFactory"]


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    description = factory.Faker("sentence")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag{n}")


class PostFactory(factory.django.DjangoModelFactory):
    """A published post (yesterday); ``PostFactory(draft=True)`` or ``status=…`` for others."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Post.Status.DRAFT, published_at=None)

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Post number {n}")
    excerpt = factory.Faker("sentence")
    body = factory.Faker("paragraph", nb_sentences=5)
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def tags(self, create: bool, extracted: list[Tag] | None, **kwargs: object) -> None:
        if create and extracted:
            self.tags.set(extracted)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Faker("sentence")
    is_approved = True
