from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ...users.tests.factories import PASSWORD
from ..models import Label, Task, TaskList
from .factories import LabelFactory, TaskFactory, TaskListFactory

pytestmark = pytest.mark.django_db

TASKS = "/api/v1/tasks/"
LISTS = "/api/v1/lists/"
LABELS = "/api/v1/labels/"
COMPLETE = "/api/v1/tasks/complete/"
TOKEN = "/api/v1/auth/token/"


def task_url(task: Task) -> str:
    return reverse("api:task-detail", kwargs={"pk": task.pk})


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_urls_are_versioned_and_namespaced():
    assert reverse("api:task-list") == TASKS
    assert reverse("api:tasklist-list") == LISTS
    assert reverse("api:label-list") == LABELS
    assert reverse("api:task-complete") == COMPLETE
    assert reverse("api:auth-token") == TOKEN


@pytest.mark.parametrize("url", [TASKS, LISTS, LABELS])
def test_anonymous_requests_are_refused(api, url):
    assert api.get(url).status_code == 401
    assert api.post(url, {"title": "x", "name": "x"}).status_code == 401


def test_anonymous_bulk_complete_is_refused(api):
    assert api.post(COMPLETE, {"ids": [1]}).status_code == 401


# Tasks: CRUD


def test_list_shows_only_own_tasks(alice_api, user, other_user):
    mine = TaskFactory(owner=user)
    TaskFactory(owner=other_user)
    response = alice_api.get(TASKS)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    item = response.json()["results"][0]
    assert item["id"] == mine.pk
    assert item["url"].endswith(task_url(mine))
    assert set(item) >= {"title", "notes", "due_date", "priority", "done", "completed_at", "labels"}


def test_create_a_task_with_own_list_and_labels(alice_api, user):
    task_list = TaskListFactory(owner=user)
    labels = LabelFactory.create_batch(2, owner=user)
    due = timezone.localdate() + timedelta(days=2)
    response = alice_api.post(
        TASKS,
        {
            "title": "  Write tests  ",
            "notes": "All of them",
            "due_date": due.isoformat(),
            "priority": Task.Priority.HIGH,
            "task_list": task_list.pk,
            "labels": [label.pk for label in labels],
        },
    )
    assert response.status_code == 201, response.json()
    task = Task.objects.get()
    assert (task.owner, task.title, task.due_date, task.priority) == (user, "Write tests", due, 3)
    assert task.task_list == task_list
    assert set(task.labels.all()) == set(labels)
    assert response.json()["labels"] == sorted(label.pk for label in labels)


def test_owner_in_the_body_is_ignored(alice_api, user, other_user):
    response = alice_api.post(TASKS, {"title": "Mine", "owner": other_user.pk})
    assert response.status_code == 201
    assert Task.objects.get().owner == user


def test_retrieve_update_and_delete_own_task(alice_api, user):
    task = TaskFactory(owner=user, title="Old")
    assert alice_api.get(task_url(task)).json()["title"] == "Old"

    response = alice_api.patch(task_url(task), {"title": "New", "done": True})
    assert response.status_code == 200
    assert response.json()["completed_at"] is not None
    task.refresh_from_db()
    assert (task.title, task.done) == ("New", True)

    response = alice_api.put(task_url(task), {"title": "Put", "done": False, "priority": 1})
    assert response.status_code == 200
    assert response.json()["completed_at"] is None

    assert alice_api.delete(task_url(task)).status_code == 204
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"title": "   "}, "title", "blank"),
        ({"title": "x", "priority": 9}, "priority", "not a valid choice"),
        ({"title": "x", "due_date": "not a date"}, "due_date", "wrong format"),
        ({"title": "x", "due_date": "2001-01-01"}, "due_date", "cannot be in the past"),
    ],
)
def test_create_validates_fields(alice_api, payload, field, message):
    response = alice_api.post(TASKS, payload)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Task.objects.exists()


def test_a_past_due_date_may_be_kept_when_editing(alice_api, user):
    past = timezone.localdate() - timedelta(days=3)
    task = TaskFactory(owner=user, due_date=past)
    response = alice_api.put(task_url(task), {"title": "Renamed", "due_date": past.isoformat()})
    assert response.status_code == 200, response.json()
    earlier = past - timedelta(days=1)
    response = alice_api.patch(task_url(task), {"due_date": earlier.isoformat()})
    assert response.status_code == 400
    assert "due_date" in response.json()


def test_completed_at_is_read_only(alice_api, user):
    task = TaskFactory(owner=user)
    alice_api.patch(task_url(task), {"completed_at": "2020-01-01T00:00:00Z"})
    task.refresh_from_db()
    assert task.completed_at is None


# Isolation between users


def test_another_users_task_is_404_for_every_method(alice_api, other_user):
    theirs = TaskFactory(owner=other_user, title="Secret")
    url = task_url(theirs)
    for response in (
        alice_api.get(url),
        alice_api.patch(url, {"title": "Hacked"}),
        alice_api.put(url, {"title": "Hacked"}),
        alice_api.delete(url),
    ):
        assert response.status_code == 404
        assert "Secret" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.title == "Secret"


@pytest.mark.parametrize(("url", "factory"), [(LISTS, TaskListFactory), (LABELS, LabelFactory)])
def test_another_users_list_or_label_is_404(alice_api, other_user, url, factory):
    theirs = factory(owner=other_user)
    detail = f"{url}{theirs.pk}/"
    assert alice_api.get(detail).status_code == 404
    assert alice_api.patch(detail, {"name": "Hacked"}).status_code == 404
    assert alice_api.delete(detail).status_code == 404
    assert alice_api.get(url).json()["count"] == 0


def test_cannot_attach_another_users_list_or_label(alice_api, user, other_user):
    their_list = TaskListFactory(owner=other_user)
    their_label = LabelFactory(owner=other_user)
    response = alice_api.post(TASKS, {"title": "x", "task_list": their_list.pk, "labels": [their_label.pk]})
    assert response.status_code == 400
    errors = response.json()
    assert errors["task_list"] == [f'You have no task list with id "{their_list.pk}".']
    assert errors["labels"] == [f'You have no label with id "{their_label.pk}".']
    mine = TaskFactory(owner=user)
    assert alice_api.patch(task_url(mine), {"labels": [their_label.pk]}).status_code == 400
    assert not mine.labels.exists()


# Lists and labels


def test_list_crud_with_open_task_counts(alice_api, user):
    response = alice_api.post(LISTS, {"name": "Work", "color": "red"})
    assert response.status_code == 201, response.json()
    assert response.json()["open_tasks"] == 0  # the published schema requires it in every answer
    task_list = TaskList.objects.get()
    assert task_list.owner == user
    TaskFactory.create_batch(2, owner=user, task_list=task_list)
    TaskFactory(owner=user, task_list=task_list, done=True)
    detail = f"{LISTS}{task_list.pk}/"
    assert alice_api.get(detail).json()["open_tasks"] == 2
    assert alice_api.get(LISTS).json()["results"][0]["open_tasks"] == 2
    assert alice_api.patch(detail, {"name": "Office"}).json() | {"created": None} == {
        "id": task_list.pk,
        "name": "Office",
        "color": "red",
        "open_tasks": 2,
        "created": None,
    }
    assert alice_api.delete(detail).status_code == 204
    assert Task.objects.filter(task_list=None).count() == 3


def test_label_crud_with_task_counts(alice_api, user):
    response = alice_api.post(LABELS, {"name": "errand"})
    assert response.status_code == 201, response.json()
    assert response.json()["task_count"] == 0
    label = Label.objects.get()
    TaskFactory(owner=user, labels=[label])
    detail = f"{LABELS}{label.pk}/"
    assert alice_api.get(detail).json()["task_count"] == 1
    updated = alice_api.put(detail, {"name": "errands"}).json()
    assert (updated["name"], updated["task_count"]) == ("errands", 1)
    assert alice_api.delete(detail).status_code == 204
    assert Task.objects.get().labels.count() == 0


@pytest.mark.parametrize(
    ("url", "factory", "word"), [(LISTS, TaskListFactory, "list"), (LABELS, LabelFactory, "label")]
)
def test_names_are_unique_per_user(alice_api, user, other_user, url, factory, word):
    factory(owner=other_user, name="Shared")
    assert alice_api.post(url, {"name": "Shared"}).status_code == 201
    response = alice_api.post(url, {"name": "shared"})
    assert response.status_code == 400
    assert response.json()["name"] == [f"You already have a {word} named “shared”."]
    own = factory._meta.model.objects.get(owner=user)
    assert alice_api.patch(f"{url}{own.pk}/", {"name": "SHARED"}).status_code == 200  # renaming itself


# Bulk complete


def test_bulk_complete_marks_own_tasks_done(alice_api, user):
    tasks = TaskFactory.create_batch(3, owner=user)
    already_done = TaskFactory(owner=user, done=True)
    untouched = TaskFactory(owner=user)
    response = alice_api.post(COMPLETE, {"ids": [tasks[0].pk, tasks[1].pk, tasks[2].pk, already_done.pk]})
    assert response.status_code == 200
    assert response.json() == {"completed": 3, "ids": sorted([*(t.pk for t in tasks), already_done.pk])}
    assert Task.objects.filter(done=True).count() == 4
    assert not Task.objects.get(pk=untouched.pk).done
    assert not Task.objects.filter(done=True, completed_at=None).exists()


def test_bulk_complete_rejects_other_users_ids_and_changes_nothing(alice_api, user, other_user):
    mine = TaskFactory(owner=user)
    theirs = TaskFactory(owner=other_user)
    response = alice_api.post(COMPLETE, {"ids": [mine.pk, theirs.pk, 999999]})
    assert response.status_code == 400
    assert response.json()["ids"] == [f"You have no tasks with these ids: {theirs.pk}, 999999."]
    assert not Task.objects.filter(done=True).exists()


@pytest.mark.parametrize(
    "payload",
    [{}, {"ids": []}, {"ids": ["abc"]}, {"ids": [0]}, {"ids": list(range(1, 102))}, {"ids": [2**63]}],
)
def test_bulk_complete_validates_input(alice_api, payload):
    response = alice_api.post(COMPLETE, payload)
    assert response.status_code == 400
    assert "ids" in response.json()


# Filters, search, ordering, pagination


@pytest.fixture
def dated_tasks(user):
    today = timezone.localdate()
    return {
        "overdue": TaskFactory(owner=user, due_date=today - timedelta(days=2), priority=Task.Priority.URGENT),
        "today": TaskFactory(owner=user, due_date=today, priority=Task.Priority.HIGH),
        "next_week": TaskFactory(owner=user, due_date=today + timedelta(days=7), priority=Task.Priority.LOW),
        "done": TaskFactory(owner=user, due_date=today - timedelta(days=1), done=True),
        "undated": TaskFactory(owner=user),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("done=true", {"done"}),
        ("done=false", {"overdue", "today", "next_week", "undated"}),
        ("due_before={today}", {"overdue", "today", "done"}),
        ("due_after={today}", {"today", "next_week"}),
        ("due_after={today}&due_before={today}", {"today"}),
        ("priority=4", {"overdue"}),
        ("priority=3&priority=4", {"overdue", "today"}),
        ("overdue=true", {"overdue"}),
        ("overdue=false", {"today", "next_week", "done", "undated"}),
    ],
)
def test_filters(alice_api, dated_tasks, query, expected):
    query = query.format(today=timezone.localdate().isoformat())
    response = alice_api.get(f"{TASKS}?{query}")
    assert response.status_code == 200
    assert set(ids(response)) == {dated_tasks[name].pk for name in expected}


def test_invalid_filter_values_are_400(alice_api):
    assert alice_api.get(f"{TASKS}?due_before=yesterday").status_code == 400


@pytest.mark.parametrize("name", ["list", "label"])
@pytest.mark.parametrize("value", ["99999999999999999999999", str(2**63), "0", "1.5", "x"])
def test_id_filters_out_of_range_are_400_not_500(alice_api, name, value):
    response = alice_api.get(f"{TASKS}?{name}={value}")
    assert response.status_code == 400
    assert name in response.json()
    assert alice_api.get(f"{TASKS}?priority=7").status_code == 400


def test_filter_by_list_and_label(alice_api, user):
    task_list, label = TaskListFactory(owner=user), LabelFactory(owner=user)
    in_list = TaskFactory(owner=user, task_list=task_list)
    labelled = TaskFactory(owner=user, labels=[label])
    TaskFactory(owner=user)
    assert ids(alice_api.get(f"{TASKS}?list={task_list.pk}")) == [in_list.pk]
    assert ids(alice_api.get(f"{TASKS}?label={label.pk}")) == [labelled.pk]


def test_filtering_by_another_users_list_shows_nothing(alice_api, user, other_user):
    their_list = TaskListFactory(owner=other_user)
    TaskFactory(owner=other_user, task_list=their_list)
    assert ids(alice_api.get(f"{TASKS}?list={their_list.pk}")) == []


def test_search_titles_and_notes(alice_api, user, other_user):
    by_title = TaskFactory(owner=user, title="Buy milk", notes="")
    by_notes = TaskFactory(owner=user, title="Shopping", notes="eggs and milk")
    TaskFactory(owner=user, title="Call mum", notes="")
    TaskFactory(owner=other_user, title="milk for mallory")
    assert set(ids(alice_api.get(f"{TASKS}?search=milk"))) == {by_title.pk, by_notes.pk}


def test_search_lists_and_labels(alice_api, user):
    TaskListFactory(owner=user, name="Work")
    TaskListFactory(owner=user, name="Home")
    LabelFactory(owner=user, name="errand")
    assert [item["name"] for item in alice_api.get(f"{LISTS}?search=wor").json()["results"]] == ["Work"]
    assert alice_api.get(f"{LABELS}?search=xyz").json()["count"] == 0


def test_ordering(alice_api, dated_tasks):
    by_priority = ids(alice_api.get(f"{TASKS}?ordering=-priority,id"))
    assert by_priority[0] == dated_tasks["overdue"].pk
    assert by_priority[1] == dated_tasks["today"].pk
    by_title = alice_api.get(f"{TASKS}?ordering=title").json()["results"]
    assert [item["title"] for item in by_title] == sorted(item["title"] for item in by_title)
    default = ids(alice_api.get(TASKS))
    assert default[:3] == [dated_tasks[name].pk for name in ("overdue", "today", "next_week")]
    assert default[-1] == dated_tasks["done"].pk


def test_ordering_lists_by_open_tasks(alice_api, user):
    busy, quiet = TaskListFactory(owner=user, name="Busy"), TaskListFactory(owner=user, name="Quiet")
    TaskFactory.create_batch(2, owner=user, task_list=busy)
    names = [item["name"] for item in alice_api.get(f"{LISTS}?ordering=-open_tasks").json()["results"]]
    assert names == [busy.name, quiet.name]


def test_pagination(alice_api, user):
    TaskFactory.create_batch(25, owner=user)
    first = alice_api.get(TASKS).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (25, 20, None)
    second = alice_api.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None
    assert not set(ids(alice_api.get(TASKS))) & {item["id"] for item in second["results"]}
    assert alice_api.get(f"{TASKS}?page=9").status_code == 404


# Query counts stay constant as data grows (no N+1)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make_tasks(user, number: int) -> None:
    labels = LabelFactory.create_batch(2, owner=user)
    task_list = TaskListFactory(owner=user)
    for _ in range(number):
        TaskFactory(owner=user, task_list=task_list, labels=labels)


@pytest.mark.parametrize("url", [TASKS, LISTS, LABELS])
def test_list_endpoints_use_a_constant_number_of_queries(alice_api, user, other_user, url):
    make_tasks(user, 3)
    few = count_queries(alice_api, url)
    make_tasks(user, 12)
    make_tasks(other_user, 5)
    assert Task.objects.filter(owner=user).count() == 15
    assert count_queries(alice_api, url) == few


def test_task_list_query_count_is_small(alice_api, user):
    make_tasks(user, 15)
    # count, page of tasks with their list (one join), their labels (one prefetch)
    assert count_queries(alice_api, TASKS) <= 3


# Authentication: token and session


def test_token_endpoint_returns_the_users_token(api, user):
    response = api.post(TOKEN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    key = response.json()["token"]
    assert key == Token.objects.get(user=user).key
    assert api.post(TOKEN, {"username": user.username, "password": PASSWORD}).json()["token"] == key


def test_token_endpoint_rejects_a_wrong_password(api, user):
    response = api.post(TOKEN, {"username": user.username, "password": "wrong"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.exists()


def test_token_authentication(api, user):
    TaskFactory(owner=user)
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(TASKS).json()["count"] == 1
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(TASKS).status_code == 401


def test_session_authentication_requires_csrf_for_writes(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(TASKS).status_code == 200
    assert client.post(TASKS, {"title": "No CSRF token"}).status_code == 403
    assert not Task.objects.exists()


def test_browsable_api_renders_for_a_signed_in_user(client, user):
    client.force_login(user)
    response = client.get(TASKS, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "Task" in response.content.decode()


def test_the_task_list_is_cached_per_owner_and_renewed_on_change(alice_api, user, other_user, settings):
    settings.PAGE_CACHE_SECONDS = 300  # core/page_cache.py
    task = TaskFactory(owner=user, title="Write")
    label = LabelFactory(owner=user, name="home")
    assert ids(alice_api.get(TASKS)) == [task.pk]
    with CaptureQueriesContext(connection) as warm:
        assert ids(alice_api.get(TASKS)) == [task.pk]
    assert not any("tasks_task" in query["sql"] for query in warm.captured_queries)  # from the cache
    theirs = TaskFactory(owner=other_user)
    bob = APIClient()
    bob.force_authenticate(other_user)
    assert ids(bob.get(TASKS)) == [theirs.pk]  # each owner's own list
    task.title = "Write more"
    task.save()
    assert alice_api.get(TASKS).json()["results"][0]["title"] == "Write more"
    task.labels.add(label)
    assert alice_api.get(TASKS).json()["results"][0]["labels"] != []
    assert alice_api.post(COMPLETE, {"ids": [task.pk]}, format="json").status_code == 200
    assert alice_api.get(TASKS).json()["results"][0]["done"] is True
    Task.objects.filter(pk=task.pk).reopen()
    assert alice_api.get(TASKS).json()["results"][0]["done"] is False
    task.delete()
    assert ids(alice_api.get(TASKS)) == []
