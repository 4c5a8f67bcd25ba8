from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from ...users.models import User
from ..management.commands.load_demo_data import LABELS, LISTS, TASKS
from ..models import Label, Task, TaskList

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def test_load_demo_data_is_idempotent():
    output = run()
    user = User.objects.get(username="demo")
    assert user.check_password("demo-password")
    assert "Created the user 'demo'" in output
    assert f"Created {len(TASKS)} task(s)" in output
    assert Token.objects.get(user=user).key in output
    counts = (TaskList.objects.count(), Label.objects.count(), Task.objects.count())
    assert counts == (len(LISTS), len(LABELS), len(TASKS))
    assert Task.objects.filter(done=True).exclude(completed_at=None).count() == 2
    assert Task.objects.filter(labels__isnull=False).distinct().exists()

    again = run()
    assert "already exists" in again
    assert f"Created 0 task(s); {len(TASKS)} already existed." in again
    assert (TaskList.objects.count(), Label.objects.count(), Task.objects.count()) == counts
