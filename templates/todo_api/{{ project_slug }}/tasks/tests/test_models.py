from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection
from django.utils import timezone

from ..models import Label, Task, TaskList
from .factories import LabelFactory, TaskFactory, TaskListFactory

pytestmark = pytest.mark.django_db


def test_str():
    assert str(TaskFactory(title="Water the plants")) == "Water the plants"
    assert str(TaskListFactory(name="Home")) == "Home"
    assert str(LabelFactory(name="errand")) == "errand"


def test_completed_at_is_set_when_done_and_cleared_when_reopened():
    task = TaskFactory()
    assert task.completed_at is None
    task.mark_done()
    task.refresh_from_db()
    assert task.done
    assert task.completed_at is not None
    first_completion = task.completed_at
    task.save()  # saving a done task keeps its completion time
    task.refresh_from_db()
    assert task.completed_at == first_completion
    task.reopen()
    task.refresh_from_db()
    assert (task.done, task.completed_at) == (False, None)


def test_saving_done_through_a_full_save_sets_completed_at():
    task = TaskFactory(done=True)
    assert task.completed_at is not None


def test_queryset_scoping_and_helpers(user, other_user):
    today = timezone.localdate()
    mine_overdue = TaskFactory(owner=user, due_date=today - timedelta(days=1))
    mine_today = TaskFactory(owner=user, due_date=today)
    mine_done = TaskFactory(owner=user, due_date=today - timedelta(days=3), done=True)
    TaskFactory(owner=other_user, due_date=today - timedelta(days=1))

    assert set(Task.objects.for_user(user)) == {mine_overdue, mine_today, mine_done}
    assert set(Task.objects.for_user(user).open()) == {mine_overdue, mine_today}
    assert set(Task.objects.for_user(user).due_before(today)) == {mine_overdue, mine_done}
    assert list(Task.objects.for_user(user).overdue()) == [mine_overdue]
    assert not Task.objects.for_user(AnonymousUser()).exists()
    assert not Task.objects.for_user(None).exists()


def test_bulk_complete_and_reopen_on_querysets(user):
    open_task, done_task = TaskFactory(owner=user), TaskFactory(owner=user, done=True)
    assert Task.objects.filter(pk__in=[open_task.pk, done_task.pk]).complete() == 1
    open_task.refresh_from_db()
    assert open_task.done and open_task.completed_at is not None
    assert Task.objects.all().reopen() == 2
    assert not Task.objects.filter(done=True).exists()
    assert not Task.objects.exclude(completed_at=None).exists()


def test_is_overdue():
    today = timezone.localdate()
    assert TaskFactory(due_date=today - timedelta(days=1)).is_overdue
    assert not TaskFactory(due_date=today).is_overdue
    assert not TaskFactory(due_date=None).is_overdue
    assert not TaskFactory(due_date=today - timedelta(days=1), done=True).is_overdue


def test_default_ordering_puts_open_and_soonest_first(user):
    today = timezone.localdate()
    later = TaskFactory(owner=user, due_date=today + timedelta(days=5))
    undated = TaskFactory(owner=user)
    soon = TaskFactory(owner=user, due_date=today)
    done = TaskFactory(owner=user, due_date=today - timedelta(days=1), done=True)
    assert list(Task.objects.for_user(user)) == [soon, later, undated, done]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_a_page_of_tasks_is_read_in_order_from_the_index_not_sorted(user):
    """The list's order is the index's (``Task.Meta``): a page reads its rows from it, however many tasks
    the user has, where a sort would read them all first. Fails when the ordering and the index drift."""
    page = Task.objects.for_user(user).with_related()[:25]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING INDEX tasks_task_owner_order_idx" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize("model_factory", [LabelFactory, TaskListFactory])
def test_names_are_unique_per_owner_ignoring_case(user, other_user, model_factory):
    model_factory(owner=user, name="Errand")
    model_factory(owner=other_user, name="errand")  # another owner may reuse it
    with pytest.raises(IntegrityError):
        model_factory(owner=user, name="ERRAND")


def test_deleting_a_list_keeps_its_tasks(user):
    task_list = TaskListFactory(owner=user)
    task = TaskFactory(owner=user, task_list=task_list)
    task_list.delete()
    task.refresh_from_db()
    assert task.task_list is None
    assert not TaskList.objects.exists()
    assert Label.objects.count() == 0
