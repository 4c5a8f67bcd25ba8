"""factory_boy factories for the social network: https://factoryboy.readthedocs.io/en/stable/orms.html#django"""

import factory

from ...graph.models import Block, Follow, FollowRequest, Mute
from ...users.tests.factories import PASSWORD, UserFactory
from ..models import Like, Post

__all__ = [
    "PASSWORD",
    "BlockFactory",
    "FollowFactory",
    "FollowRequestFactory",
    "LikeFactory",
    "MuteFactory",
    "PostFactory",
    "UserFactory",
]


class PostFactory(factory.django.DjangoModelFactory):
    """A public post (made directly, without the services' rules and notifications)."""

    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    body = factory.Faker("sentence")
    visibility = Post.Visibility.PUBLIC


class LikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Like

    post = factory.SubFactory(PostFactory)
    user = factory.SubFactory(UserFactory)


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


class FollowRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowRequest

    requester = factory.SubFactory(UserFactory)
    target = factory.SubFactory(UserFactory)


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    blocker = factory.SubFactory(UserFactory)
    blocked = factory.SubFactory(UserFactory)


class MuteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mute

    muter = factory.SubFactory(UserFactory)
    muted = factory.SubFactory(UserFactory)
