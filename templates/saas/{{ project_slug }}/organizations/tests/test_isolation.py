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


#: Every Acme object of the sweep has this primary key, so each ``<pk>`` URL is tried with a real Acme
#: object of whatever model it names (one request per URL and method instead of one per model).
ACME_ID = 4242


@pytest.fixture
def acme_objects(acme, owner, member):
    project = ProjectFactory(pk=ACME_ID, organization=acme)
    TaskFactory(pk=ACME_ID, project=project)
    MembershipFactory(pk=ACME_ID, organization=acme)
    InvitationFactory(pk=ACME_ID, organization=acme)
    ApiKeyFactory(pk=ACME_ID, organization=acme)
    return ACME_ID


def _urls(acme, pk: int):
    for name, params in org_routes():
        unknown = params - {"org_slug", "pk", "format"}
        assert not unknown, f"{name}: teach the sweep the parameters {unknown}"
        kwargs = {"org_slug": acme.slug}
        if "format" in params:
            kwargs["format"] = "json"
        if "pk" in params:
            kwargs["pk"] = pk
        yield name, reverse(name, kwargs=kwargs)


def test_the_sweep_covers_every_organisation_url():
    names = {name for name, _ in org_routes()}
    for expected in (
        "organizations:dashboard",
        "organizations:members",
        "organizations:change_role",
        "organizations:remove_member",
        "organizations:settings",
        "organizations:delete",
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
    assert checked >= 40
    with organization_context(acme):
        assert Project.objects.filter(pk=acme_objects).exists()  # nothing was deleted


def test_the_same_urls_are_found_by_acmes_owner(client_as, owner, acme, acme_objects):
    """The control: the ids are real Acme objects, so Acme's owner never gets a 404 from them."""
    client = client_as(owner)
    for name, url in _urls(acme, acme_objects):
        assert client.get(url).status_code != 404, f"GET {url} ({name})"
