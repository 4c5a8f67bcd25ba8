"""The "My tasks" page kept per session and day (core/page_cache.py, ``signed_in_page_cache``)."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..models import Task
from .factories import LabelFactory, TaskFactory

TASKS = "/tasks/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def _warm(client):
    """The first page sets the CSRF cookie (not kept: the secret is new), the second is kept."""
    client.get(TASKS)
    client.get(TASKS)


def _task_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(TASKS)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries if "tasks_" in query["sql"]]


def test_my_tasks_is_kept_and_renewed_when_a_task_or_label_changes(client, user):
    task = TaskFactory(owner=user, title="Water the plants")
    client.force_login(user)
    _warm(client)
    page, queries = _task_queries(client)
    assert queries == []  # the whole page came from the cache
    assert "Water the plants" in page

    task.title = "Water the garden"
    task.save()
    assert "Water the garden" in client.get(TASKS).content.decode()
    task.labels.add(LabelFactory(owner=user, name="home"))
    assert "home" in client.get(TASKS).content.decode()
    Task.objects.filter(pk=task.pk).complete()  # update(): renews the lists itself
    page, queries = _task_queries(client)
    assert queries != []
    task.delete()
    assert "Water the garden" not in client.get(TASKS).content.decode()


def test_another_user_never_gets_someone_elses_tasks(client, user, other_user):
    TaskFactory(owner=user, title="Alice's secret task")
    client.force_login(user)
    _warm(client)
    other = Client()
    other.force_login(other_user)
    assert "Alice's secret task" not in other.get(TASKS).content.decode()


def test_a_new_day_is_a_new_page(client, user):
    TaskFactory(owner=user, title="Pay the rent", due_date=timezone.localdate() + timedelta(days=1))
    client.force_login(user)
    _warm(client)
    assert "Overdue" not in client.get(TASKS).content.decode()
    later = timezone.localdate() + timedelta(days=2)
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        assert "Overdue" in client.get(TASKS).content.decode()


def test_the_kept_pages_checkbox_works_and_its_message_is_shown(user):
    task = TaskFactory(owner=user, title="Call mum")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    _warm(client)
    page, queries = _task_queries(client)
    assert queries == []
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = client.post(f"/tasks/{task.pk}/done/", {"csrfmiddlewaretoken": token, "done": "true"})
    assert response.status_code == 302  # not 403: the kept page's token is valid for this session
    page = client.get(TASKS).content.decode()
    assert "“Call mum” is done." in page  # the message waiting: the view ran
