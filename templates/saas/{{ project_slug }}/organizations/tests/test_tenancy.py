"""Tenant isolation: fail-closed managers, the context variable, the middleware, scoped cache keys."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from ...projects.models import Project, Task
from ..context import NoCurrentOrganization, all_organizations, current_organization, organization_context
from ..scoping import org_cache_key
from ..views import project_stats
from .factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Project, Task])
def test_an_unscoped_query_raises(model):
    with pytest.raises(NoCurrentOrganization):
        model.objects.all()
    with pytest.raises(NoCurrentOrganization):
        model.objects.filter(pk=1)
    with pytest.raises(NoCurrentOrganization):
        current_organization()
    assert list(model.objects.none()) == []  # an empty queryset cannot leak anything


def test_scoped_manager_returns_the_current_organisation_rows_only(acme, globex):
    mine, theirs = ProjectFactory(organization=acme), ProjectFactory(organization=globex)
    TaskFactory(project=mine)
    TaskFactory(project=theirs)
    with organization_context(acme):
        assert list(Project.objects.all()) == [mine]
        assert not Project.objects.filter(pk=theirs.pk).exists()
        assert Task.objects.get().project == mine
        assert list(mine.tasks.all()) == list(Task.objects.all())  # related managers are scoped too
    with organization_context(globex):
        assert list(Project.objects.all()) == [theirs]
    with all_organizations():
        assert Project.objects.count() == 2


def test_context_is_restored_after_nesting(acme, globex):
    with organization_context(acme):
        with organization_context(globex):
            assert current_organization() == globex
        assert current_organization() == acme
    with pytest.raises(NoCurrentOrganization):
        current_organization()


def test_a_task_always_lives_in_its_projects_organisation(acme, globex):
    task = TaskFactory(project=ProjectFactory(organization=acme), organization=globex)
    assert task.organization == acme


def test_cache_keys_are_scoped_by_organisation(acme, globex):
    ProjectFactory(organization=acme)
    with organization_context(acme):
        assert org_cache_key("x") == f"org:{acme.pk}:x"
        assert project_stats()["projects"] == 1
    with organization_context(globex):
        assert org_cache_key("x") != f"org:{acme.pk}:x"
        assert project_stats()["projects"] == 0  # Acme's cached counts are not Globex's


def test_stats_cache_is_cleared_when_projects_change(acme):
    with organization_context(acme):
        assert project_stats()["projects"] == 0
        assert cache.get(org_cache_key("project-stats")) is not None
    ProjectFactory(organization=acme)
    with organization_context(acme):
        assert project_stats()["projects"] == 1


def test_context_is_cleared_after_each_request(client_as, owner, acme):
    client_as(owner).get(reverse("organizations:dashboard", args=[acme.slug]))
    with pytest.raises(NoCurrentOrganization):
        current_organization()


def test_unknown_slug_and_someone_elses_slug_answer_the_same_404(client_as, stranger, acme):
    client = client_as(stranger)
    theirs = client.get(reverse("projects:list", args=[acme.slug]))
    unknown = client.get(reverse("projects:list", args=["no-such-org"]))
    assert theirs.status_code == unknown.status_code == 404
    assert _without_csrf_tokens(theirs.content) == _without_csrf_tokens(unknown.content)


def _without_csrf_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_anonymous_visitors_are_sent_to_log_in_for_any_slug(client, acme):
    known = client.get(reverse("projects:list", args=[acme.slug]))
    unknown = client.get(reverse("projects:list", args=["no-such-org"]))
    assert known.status_code == unknown.status_code == 302
    assert "next=" in known["Location"]


def test_members_reach_their_organisation(client_as, member, acme):
    response = client_as(member).get(reverse("organizations:dashboard", args=[acme.slug]))
    assert response.status_code == 200
    assert response.context["request"].organization == acme


def test_switching_organisation(client_as, owner, acme, globex, stranger):
    client = client_as(owner)
    response = client.post(reverse("organizations:switch"), {"organization": acme.slug})
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:dashboard", args=[acme.slug])
    assert client.session["organization"] == acme.slug
    # Not a member of Globex: the same 404 as an unknown slug.
    assert client.post(reverse("organizations:switch"), {"organization": globex.slug}).status_code == 404
    assert client.post(reverse("organizations:switch"), {"organization": "nope"}).status_code == 404
    assert client.session["organization"] == acme.slug
