"""The privacy rule's querysets are built once per viewer and kept (``managers.PostQuerySet._keep``): each
read still asks the database, compares with the time of the read, and keeps every filter it was given."""

from collections import OrderedDict
from datetime import timedelta

import pytest
from django.utils import timezone

from ...graph import moderation
from .. import managers
from ..managers import PostQuerySet
from ..models import Post
from .factories import BlockFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch) -> list[int | None]:
    """The viewers (by id) for whom ``visible_to`` put the rule together, one entry per build (with nothing
    kept yet: ids are used again from test to test)."""
    monkeypatch.setattr(managers, "_kept", OrderedDict())
    built: list[int | None] = []
    build = PostQuerySet._visible_to

    def counted(queryset, viewer):
        built.append(viewer.pk)
        return build(queryset, viewer)

    monkeypatch.setattr(PostQuerySet, "_visible_to", counted)
    return built


def test_built_once_per_viewer_and_read_anew_each_time(builds):
    ana, bob, carl = UserFactory(), UserFactory(), UserFactory()
    post = PostFactory(author=bob)
    assert list(Post.objects.visible_to(ana)) == [post]
    BlockFactory(blocker=bob, blocked=ana)
    assert list(Post.objects.visible_to(ana)) == []  # the kept rule is a query, not its rows
    assert list(Post.objects.visible_to(carl)) == [post]
    assert builds.count(ana.pk) == 1 and builds.count(carl.pk) == 1


def test_a_kept_rule_compares_a_suspension_with_the_time_of_the_read(builds, monkeypatch):
    ana, bob = UserFactory(), UserFactory()
    post = PostFactory(author=bob)
    now = timezone.now()
    suspension = {"suspended_at": now, "suspended_until": now + timedelta(hours=1)}
    bob.profile.__class__.objects.filter(user=bob).update(**suspension)
    assert list(Post.objects.visible_to(ana)) == []
    monkeypatch.setattr(moderation.timezone, "now", lambda: now + timedelta(hours=2))
    assert list(Post.objects.visible_to(ana)) == [post]  # the suspension ran out, the rule was not rebuilt
    assert builds.count(ana.pk) == 1


def test_filters_given_before_or_after_are_kept(builds):
    """Only ``Post.objects``' own queryset (and what ``visible_to``… returned, unfiltered) reads a kept one:
    a related manager's, a filtered one, or a filtered result is never swapped for the unfiltered rule."""
    ana, bob, carl = UserFactory(), UserFactory(), UserFactory()
    bobs, carls = PostFactory(author=bob), PostFactory(author=carl)
    assert set(Post.objects.visible_to(ana)) == {bobs, carls}
    assert list(bob.posts.visible_to(ana)) == [bobs]
    assert list(Post.objects.filter(author=carl).visible_to(ana)) == [carls]
    assert list(Post.objects.visible_to(ana).filter(author=bob).with_cards(ana)) == [bobs]
    assert list(Post.objects.visible_to(ana).with_cards(ana).filter(author=carl)) == [carls]
    assert set(Post.objects.visible_to(ana).with_cards(ana)) == {bobs, carls}
    assert builds.count(ana.pk) == 3  # the manager's own once; the related and the filtered ones each time
