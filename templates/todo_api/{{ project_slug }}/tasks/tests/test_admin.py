import pytest
from django.urls import reverse

from ...users.tests.factories import UserFactory
from ..models import Task
from .factories import LabelFactory, TaskFactory, TaskListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["task", "tasklist", "label"])
def test_changelists_and_search(admin_client, model):
    label = LabelFactory(name="errand")
    task_list = TaskListFactory(owner=label.owner, name="Home")
    TaskFactory(owner=label.owner, task_list=task_list, labels=[label], title="Buy bread")
    url = reverse(f"admin:tasks_{model}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert admin_client.get(url, {"q": label.owner.username}).status_code == 200
    assert admin_client.get(reverse(f"admin:tasks_{model}_add")).status_code == 200


def test_task_change_page(admin_client):
    task = TaskFactory()
    assert admin_client.get(reverse("admin:tasks_task_change", args=[task.pk])).status_code == 200


def test_mark_done_and_reopen_actions(admin_client):
    tasks = TaskFactory.create_batch(2)
    url = reverse("admin:tasks_task_changelist")
    selected = [task.pk for task in tasks]
    response = admin_client.post(url, {"action": "mark_done", "_selected_action": selected}, follow=True)
    assert "2 task(s) marked as done." in response.content.decode()
    assert Task.objects.filter(done=True).count() == 2
    admin_client.post(url, {"action": "reopen", "_selected_action": selected[:1]})
    assert Task.objects.filter(done=True).count() == 1


def test_complete_all_tasks_of_a_list_action(admin_client):
    task_list = TaskListFactory()
    TaskFactory.create_batch(3, owner=task_list.owner, task_list=task_list)
    other = TaskFactory()
    url = reverse("admin:tasks_tasklist_changelist")
    admin_client.post(url, {"action": "complete_all_tasks", "_selected_action": [task_list.pk]})
    assert Task.objects.filter(task_list=task_list, done=True).count() == 3
    other.refresh_from_db()
    assert not other.done
