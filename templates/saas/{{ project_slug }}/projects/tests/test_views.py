import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ...organizations.context import organization_context
from ...organizations.tests.factories import MembershipFactory, ProjectFactory, TaskFactory
from ..forms import ProjectForm
from ..models import Project, Task

pytestmark = pytest.mark.django_db


def test_list_shows_this_organisations_projects_with_counts(client_as, member, acme, globex):
    project = ProjectFactory(organization=acme, name="Rocket")
    TaskFactory(project=project, done=True)
    TaskFactory(project=project)
    ProjectFactory(organization=globex, name="Secret Globex plan")
    response = client_as(member).get(reverse("projects:list", args=[acme.slug]))
    (listed,) = response.context["projects"]
    assert (listed.name, listed.task_count, listed.open_count) == ("Rocket", 2, 1)
    assert "Secret Globex plan" not in response.content.decode()


def test_the_list_counts_only_the_tasks_of_the_projects_it_shows(client_as, member, acme):
    """The page and its paginator's count read the projects alone; each shown project's tasks are counted
    by a subquery of its own. A join with the tasks would count those of every project of the organisation
    before taking the 20 shown: a cost that grows with all of them."""
    TaskFactory.create_batch(2, project=ProjectFactory(organization=acme, name="Busy"), done=True)
    ProjectFactory(organization=acme, name="Empty")
    client = client_as(member)
    url = reverse("projects:list", args=[acme.slug])
    client.get(url)  # the first visit remembers the organisation in the session (a write)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    projects = response.context["projects"]
    assert [(item.name, item.task_count, item.open_count) for item in projects] == [
        ("Busy", 2, 0),
        ("Empty", 0, 0),
    ]
    reads = [query["sql"] for query in queries if 'FROM "projects_project"' in query["sql"]]
    assert len(reads) == 2  # the paginator's count and the page
    assert not [sql for sql in reads if 'JOIN "projects_task"' in sql]


def test_list_and_detail_queries_are_constant(client_as, member, acme):
    client = client_as(member)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    project = ProjectFactory(organization=acme)
    TaskFactory(project=project, assignee=member)
    list_url = reverse("projects:list", args=[acme.slug])
    detail_url = reverse("projects:detail", args=[acme.slug, project.pk])
    client.get(list_url)  # the first visit remembers the organisation in the session (a write)
    few = count(list_url), count(detail_url)
    for other in ProjectFactory.create_batch(5, organization=acme):
        TaskFactory.create_batch(2, project=other, assignee=MembershipFactory(organization=acme).user)
    TaskFactory.create_batch(5, project=project, assignee=member)
    assert (count(list_url), count(detail_url)) == few


def test_ids_too_large_for_the_database_are_404(client_as, member, acme):
    client = client_as(member)
    assert client.get(f"/o/{acme.slug}/projects/99999999999999999999999/").status_code == 404
    assert client.get(f"/o/{acme.slug}/projects/-1/").status_code == 404


def test_create_edit_delete_project(client_as, owner, acme):
    client = client_as(owner)
    response = client.post(
        reverse("projects:create", args=[acme.slug]), {"name": "Moonshot", "description": "Up"}
    )
    with organization_context(acme):
        project = Project.objects.get(name="Moonshot")
    assert response["Location"] == project.get_absolute_url()
    assert project.created_by == owner
    client.post(
        reverse("projects:update", args=[acme.slug, project.pk]), {"name": "Moonshot 2", "description": ""}
    )
    project.refresh_from_db()
    assert project.name == "Moonshot 2"
    assert client.get(reverse("projects:delete", args=[acme.slug, project.pk])).status_code == 200
    client.post(reverse("projects:delete", args=[acme.slug, project.pk]))
    assert not Project.unscoped.filter(pk=project.pk).exists()


def test_duplicate_and_blank_names_are_form_errors(client_as, owner, acme, globex):
    ProjectFactory(organization=acme, name="Taken")
    ProjectFactory(organization=globex, name="Theirs")
    client = client_as(owner)
    url = reverse("projects:create", args=[acme.slug])
    duplicate = client.post(url, {"name": "taken"})
    assert duplicate.status_code == 200
    assert "already has a project named" in duplicate.content.decode()
    assert client.post(url, {"name": ""}).status_code == 200
    assert client.post(url, {"name": "Theirs"}).status_code == 302  # names are unique per organisation


def test_a_name_taken_after_the_forms_check_is_a_form_error(client_as, owner, acme, monkeypatch):
    """Another tab saved the name between this form's check and its save: the form again, no 500."""
    project = ProjectFactory(organization=acme, name="Other")
    ProjectFactory(organization=acme, name="Taken")
    monkeypatch.setattr(ProjectForm, "clean_name", lambda form: form.cleaned_data["name"])  # passed first
    client = client_as(owner)
    created = client.post(reverse("projects:create", args=[acme.slug]), {"name": "Taken"})
    renamed = client.post(reverse("projects:update", args=[acme.slug, project.pk]), {"name": "Taken"})
    for response in (created, renamed):
        assert response.status_code == 200
        assert "has just been taken" in str(response.context["form"].errors["name"])
    assert sorted(Project.unscoped.values_list("name", flat=True)) == ["Other", "Taken"]


def test_the_plan_limits_projects(client_as, globex, stranger):
    ProjectFactory.create_batch(3, organization=globex)
    response = client_as(stranger).post(reverse("projects:create", args=[globex.slug]), {"name": "Fourth"})
    assert response.status_code == 200
    assert "3 projects" in response.content.decode()
    assert Project.unscoped.filter(organization=globex).count() == 3


def test_members_edit_but_do_not_delete_projects(client_as, member, acme):
    project = ProjectFactory(organization=acme)
    client = client_as(member)
    assert client.get(reverse("projects:update", args=[acme.slug, project.pk])).status_code == 200
    assert client.post(reverse("projects:delete", args=[acme.slug, project.pk])).status_code == 403
    assert Project.unscoped.filter(pk=project.pk).exists()


def test_tasks_add_toggle_edit_delete(client_as, member, acme):
    project = ProjectFactory(organization=acme)
    client = client_as(member)
    client.post(
        reverse("projects:task_create", args=[acme.slug, project.pk]),
        {"title": "Fuel", "assignee": member.pk},
    )
    task = Task.unscoped.get(title="Fuel")
    assert (task.organization, task.assignee) == (acme, member)
    client.post(reverse("projects:task_toggle", args=[acme.slug, task.pk]))
    task.refresh_from_db()
    assert task.done
    client.post(
        reverse("projects:task_update", args=[acme.slug, task.pk]), {"title": "Fuel up", "done": "on"}
    )
    task.refresh_from_db()
    assert task.title == "Fuel up"
    client.post(reverse("projects:task_delete", args=[acme.slug, task.pk]))
    assert not Task.unscoped.exists()


def test_tasks_can_only_be_assigned_to_members(client_as, member, acme, stranger):
    project = ProjectFactory(organization=acme)
    response = client_as(member).post(
        reverse("projects:task_create", args=[acme.slug, project.pk]),
        {"title": "Spy", "assignee": stranger.pk},
        follow=True,
    )
    assert "was not added" in response.content.decode()
    assert not Task.unscoped.exists()


HTMX = {"HX-Request": "true"}


def test_a_task_toggles_in_place_with_htmx_and_as_a_plain_form(client_as, member, acme):
    task = TaskFactory(project=ProjectFactory(organization=acme), title="Fuel", done=False)
    client = client_as(member)
    url = reverse("projects:task_toggle", args=[acme.slug, task.pk])
    fragment = client.post(url, headers=HTMX)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.lstrip().startswith(f'<li class="card task done" id="task-{task.pk}">')
    assert "Reopen" in body and "<html" not in body  # the task alone, not the page
    task.refresh_from_db()
    assert task.done
    page = client.post(url, follow=True)
    assert page.redirect_chain == [(task.project.get_absolute_url(), 302)]
    assert "Task “Fuel” reopened." in page.content.decode()
    task.refresh_from_db()
    assert not task.done


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_task_of_another_organisation_is_404_both_ways(client_as, stranger, globex, acme, headers):
    task = TaskFactory(project=ProjectFactory(organization=acme), done=False)
    client = client_as(stranger)
    for organization in (globex, acme):  # through the stranger's own organisation, and through Acme's
        url = reverse("projects:task_toggle", args=[organization.slug, task.pk])
        assert client.post(url, headers=headers).status_code == 404
    task.refresh_from_db()
    assert not task.done
