"""The isolation sweep: every URL under ``/o/<slug>/`` (pages and API), requested by a member of another
organisation with the first organisation's object ids, answers 404 — before any change. A view added
later without going through the tenancy middleware (or the API mixin) fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ...projects.models import Project
from ..context import organization_context
from .factories import ApiKeyFactory, InvitationFactory, MembershipFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _params(pattern) -> set[str]:
    if hasattr(pattern, "converters") and pattern.converters:
        return set(pattern.converters)
    return set(pattern.regex.groupindex)


def org_routes() -> list[tuple[str, set[str]]]:
    """(URL name, its parameters) for every named pattern whose URL contains ``org_slug``."""
    found = []

    def walk(patterns, namespace: str, params: set[str]) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, params | _params(entry.pattern))
            elif isinstance(entry, URLPattern):
                all_params = params | _params(entry.pattern)
                if "org_slug" in all_params:
                    assert entry.name, f"unnamed organisation URL {entry.pattern}: give it a name"
                    found.append((f"{namespace}{entry.name}", all_params))

    walk(get_resolver().url_patterns, "", set())
    return found


@pytest.fixture
def acme_objects(acme, owner, member):
    project = ProjectFactory(organization=acme)
    return {
        "project": project.pk,
        "task": TaskFactory(project=project).pk,
        "membership": MembershipFactory(organization=acme).pk,
        "invitation": InvitationFactory(organization=acme).pk,
        "api_key": ApiKeyFactory(organization=acme).pk,
    }


def _urls(acme, ids: dict[str, int]):
    for name, params in org_routes():
        unknown = params - {"org_slug", "pk", "format"}
        assert not unknown, f"{name}: teach the sweep the parameters {unknown}"
        kwargs = {"org_slug": acme.slug}
        if "format" in params:
            kwargs["format"] = "json"
        if "pk" in params:
            for pk in ids.values():
                yield name, reverse(name, kwargs={**kwargs, "pk": pk})
        else:
            yield name, reverse(name, kwargs=kwargs)


def test_the_sweep_covers_every_organisation_url():
    names = {name for name, _ in org_routes()}
    for expected in (
        "organizations:dashboard",
        "organizations:members",
        "organizations:change_role",
        "organizations:remove_member",
        "organizations:settings",
        "invitations:create",
        "invitations:revoke",
        "invitations:resend",
        "billing:overview",
        "billing:checkout",
        "projects:list",
        "projects:detail",
        "projects:update",
        "projects:delete",
        "projects:task_create",
        "projects:task_update",
        "projects:task_toggle",
        "projects:task_delete",
        "apikeys:list",
        "apikeys:revoke",
        "audit:log",
    ):
        assert expected in names


def test_members_of_another_organisation_get_404_everywhere(client_as, stranger, acme, acme_objects):
    client = client_as(stranger)
    checked = 0
    for name, url in _urls(acme, acme_objects):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, (
                f"{method.__name__.upper()} {url} ({name}) -> {response.status_code}"
            )
            checked += 1
    assert checked >= 60
    with organization_context(acme):
        assert Project.objects.filter(pk=acme_objects["project"]).exists()  # nothing was deleted


def test_the_same_urls_work_for_acme_itself(client_as, owner, acme, acme_objects):
    """A control for the sweep: the ids are real, Acme's owner reaches them."""
    client = client_as(owner)
    assert (
        client.get(reverse("projects:detail", args=[acme.slug, acme_objects["project"]])).status_code == 200
    )
    assert (
        client.get(reverse("projects:task_update", args=[acme.slug, acme_objects["task"]])).status_code == 200
    )
