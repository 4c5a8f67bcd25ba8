"""'My tasks': the signed-in user's own tasks, the in-place checkbox (both ways) and the add form."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ..models import Task
from ..views import TASKS_PER_PAGE
from .factories import LabelFactory, TaskFactory, TaskListFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LIST_URL = reverse("tasks:list")


def _done_url(task):
    return reverse("tasks:set_done", kwargs={"pk": task.pk})


def test_the_list_shows_only_the_users_own_tasks(client, user, other_user):
    mine = TaskFactory(owner=user, title="Water the plants")
    TaskFactory(owner=other_user, title="Mallory's secret plan")
    client.force_login(user)
    html = client.get(LIST_URL).content.decode()
    assert "Water the plants" in html
    assert "secret plan" not in html
    assert f'id="task-{mine.pk}"' in html
    assert f'hx-post="{_done_url(mine)}"' in html
    assert 'aria-checked="false"' in html


def test_the_list_needs_a_signed_in_user(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_the_navigation_links_the_list_for_signed_in_users_only(client, user):
    assert f'href="{LIST_URL}"' not in client.get("/").content.decode()
    client.force_login(user)
    assert f'href="{LIST_URL}"' in client.get("/").content.decode()


def test_an_empty_list_says_so(client, user):
    client.force_login(user)
    html = client.get(LIST_URL).content.decode()
    assert "No tasks yet." in html
    assert 'class="task-list"' not in html


def test_the_list_is_paginated(client, user):
    TaskFactory.create_batch(TASKS_PER_PAGE + 1, owner=user)
    client.force_login(user)
    first = client.get(LIST_URL)
    assert len(first.context["tasks"]) == TASKS_PER_PAGE
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(LIST_URL, {"page": 2})
    assert len(second.context["tasks"]) == 1
    # The checkbox of a task on page 2 sends its page, so that a plain post comes back to it.
    assert 'name="page" value="2"' in second.content.decode()


def test_the_list_runs_the_same_queries_for_any_number_of_tasks(client, user):
    task_list = TaskListFactory(owner=user)
    labels = LabelFactory.create_batch(2, owner=user)
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST_URL).status_code == 200
        return len(captured)

    TaskFactory(owner=user, task_list=task_list, labels=labels)
    few = queries()
    for _ in range(6):
        TaskFactory(owner=user, task_list=TaskListFactory(owner=user), labels=labels)
    assert queries() == few


def test_the_checkbox_sent_by_htmx_answers_with_the_tasks_row(client, user):
    task = TaskFactory(owner=user, title="Call the bank")
    client.force_login(user)
    response = client.post(_done_url(task), {"done": "true"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="task-row is-done" id="task-{task.pk}">')
    assert 'aria-checked="true"' in html
    assert 'name="done" value="false"' in html  # the next click reopens it
    assert "csrfmiddlewaretoken" in html  # the swapped-in form can be sent again
    assert list(get_messages(response.wsgi_request)) == []  # the row is the answer, no message waits
    task.refresh_from_db()
    assert task.done and task.completed_at is not None

    response = client.post(_done_url(task), {"done": "false"}, headers=HTMX)
    assert 'aria-checked="false"' in response.content.decode()
    task.refresh_from_db()
    assert not task.done and task.completed_at is None


def test_the_checkbox_without_javascript_redirects_back_with_a_message(client, user):
    task = TaskFactory(owner=user, title="Call the bank")
    client.force_login(user)
    response = client.post(_done_url(task), {"done": "true", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?page=2#task-{task.pk}"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["“Call the bank” is done."]
    task.refresh_from_db()
    assert task.done

    response = client.post(_done_url(task), {"done": "false", "page": "junk"}, follow=True)
    assert response.redirect_chain == [(f"{LIST_URL}#task-{task.pk}", 302)]
    assert "“Call the bank” is open again." in response.content.decode()
    task.refresh_from_db()
    assert not task.done


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_another_users_task_is_not_found_either_way(client, user, other_user, headers):
    theirs = TaskFactory(owner=other_user)
    client.force_login(user)
    assert client.post(_done_url(theirs), {"done": "true"}, headers=headers).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.done


def test_the_checkbox_needs_a_post_and_a_signed_in_user(client, user):
    task = TaskFactory(owner=user)
    assert client.post(_done_url(task), {"done": "true"}).status_code == 302  # to the login page
    client.force_login(user)
    assert client.get(_done_url(task)).status_code == 405
    task.refresh_from_db()
    assert not task.done


def test_adding_a_task(client, user):
    task_list = TaskListFactory(owner=user)
    client.force_login(user)
    due = timezone.localdate() + datetime.timedelta(days=2)
    data = {"title": " Renew the passport ", "due_date": due, "priority": 3, "task_list": task_list.pk}
    response = client.post(LIST_URL, data, follow=True)
    assert response.redirect_chain == [(LIST_URL, 302)]
    task = Task.objects.get(owner=user)
    assert (task.title, task.due_date, task.priority) == ("Renew the passport", due, 3)
    assert task.task_list == task_list
    assert "Added “Renew the passport”." in response.content.decode()


def test_the_add_form_shows_its_errors(client, user):
    client.force_login(user)
    response = client.post(LIST_URL, {"title": "   ", "due_date": "not a date", "priority": "9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="field field-error"' in html  # rendered by partials/form.html
    assert "This field is required." in html  # a title of spaces is no title
    assert "Enter a valid date." in html
    assert "Select a valid choice." in html
    assert not Task.objects.exists()


def test_the_add_form_offers_only_the_users_own_lists(client, user, other_user):
    theirs = TaskListFactory(owner=other_user, name="Mallory's list")
    client.force_login(user)
    assert "Mallory's list" not in client.get(LIST_URL).content.decode()
    response = client.post(LIST_URL, {"title": "Sneaky", "priority": "2", "task_list": theirs.pk})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Task.objects.exists()


def test_the_home_page_is_cached_for_visitors_only(client, user, settings):
    settings.PAGE_CACHE_SECONDS = 300  # core/page_cache.py
    assert client.get("/").context is not None
    assert client.get("/").context is None  # the visitors' page, from the cache
    client.force_login(user)
    TaskFactory(owner=user)
    response = client.get("/")
    assert response.context["open_count"] == 1  # rendered for this user
    assert f'href="{LIST_URL}"' in response.content.decode()
