"""``python manage.py load_demo_data``: a demo account with lists, labels and tasks (safe to run twice)."""

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from ...models import Color, Label, Task, TaskList

LISTS = {"Work": Color.BLUE, "Home": Color.GREEN, "Learning Django": Color.PURPLE}
LABELS = ["errand", "call", "deep work", "quick"]
# title, list, labels, days until due (None: no due date), priority, done
TASKS = [
    ("Write the quarterly report", "Work", ["deep work"], 3, Task.Priority.HIGH, False),
    ("Call the accountant", "Work", ["call", "quick"], 1, Task.Priority.NORMAL, False),
    ("Review the pull request", "Work", ["quick"], 0, Task.Priority.URGENT, False),
    ("Buy groceries", "Home", ["errand"], 1, Task.Priority.NORMAL, False),
    ("Fix the bike's brakes", "Home", ["errand"], None, Task.Priority.LOW, False),
    ("Book the dentist", "Home", ["call", "quick"], -2, Task.Priority.HIGH, False),
    ("Read the DRF viewsets guide", "Learning Django", ["deep work"], 7, Task.Priority.NORMAL, False),
    ("Add a filter to the tasks API", "Learning Django", [], 14, Task.Priority.LOW, False),
    ("Install Django", "Learning Django", ["quick"], None, Task.Priority.NORMAL, True),
    ("Plan the week", None, [], None, Task.Priority.NORMAL, True),
]


class Command(BaseCommand):
    help = "Create a demo user with task lists, labels and tasks. Running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo", help="Demo account's username (default: demo).")
        parser.add_argument(
            "--password", default="demo-password", help="Its password when created (default: demo-password)."
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=options["username"],
            defaults={"email": f"{options['username']}@example.com", "name": "Demo User"},
        )
        if created:
            user.set_password(options["password"])
            user.save(update_fields=["password"])
            self.stdout.write(f"Created the user {user.username!r} (password {options['password']!r}).")
        else:
            self.stdout.write(f"The user {user.username!r} already exists; its password is unchanged.")
        token, _ = Token.objects.get_or_create(user=user)

        lists = {}
        for name, color in LISTS.items():
            lists[name], new = TaskList.objects.get_or_create(
                owner=user, name=name, defaults={"color": color}
            )
            self._report("list", name, new)
        labels = {}
        for name in LABELS:
            labels[name], new = Label.objects.get_or_create(owner=user, name=name)
            self._report("label", name, new)

        today = timezone.localdate()
        new_tasks = 0
        for title, list_name, label_names, due_in, priority, done in TASKS:
            task, new = Task.objects.get_or_create(
                owner=user,
                title=title,
                defaults={
                    "task_list": lists.get(list_name),
                    "due_date": None if due_in is None else today + timedelta(days=due_in),
                    "priority": priority,
                    "done": done,
                },
            )
            if new:
                task.labels.set([labels[name] for name in label_names])
                new_tasks += 1
        self.stdout.write(f"Created {new_tasks} task(s); {len(TASKS) - new_tasks} already existed.")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. API token of {user.username!r}: {token.key}"))

    def _report(self, kind: str, name: str, created: bool) -> None:
        self.stdout.write(f"{'Created' if created else 'Kept'} the {kind} {name!r}.")
