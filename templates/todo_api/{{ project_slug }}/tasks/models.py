"""Per-user tasks, task lists and labels: https://docs.djangoproject.com/en/5.2/topics/db/models/"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from ..core.page_cache import invalidate_pages

#: The page-cache group of the API's task lists (core/page_cache.py; renewed by signals.py and below).
TASK_LISTS = "tasks:lists"


class OwnedQuerySet(models.QuerySet):
    """Rows belonging to one user: the single place where per-user scoping is written."""

    def for_user(self, user: Any) -> OwnedQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class TaskQuerySet(OwnedQuerySet):
    def open(self) -> TaskQuerySet:
        return self.filter(done=False)

    def completed(self) -> TaskQuerySet:
        return self.filter(done=True)

    def due_before(self, date: datetime.date) -> TaskQuerySet:
        """Tasks with a due date strictly before ``date``."""
        return self.filter(due_date__lt=date)

    def due_on(self, date: datetime.date) -> TaskQuerySet:
        return self.filter(due_date=date)

    def overdue(self) -> TaskQuerySet:
        """Open tasks whose due date has passed (in the current time zone)."""
        return self.open().due_before(timezone.localdate())

    def with_related(self) -> TaskQuerySet:
        """Everything a task's API representation needs, in two queries whatever the number of tasks."""
        return self.select_related("task_list").prefetch_related("labels")

    def complete(self) -> int:
        """Mark the open tasks of this queryset done in one UPDATE; returns how many changed."""
        now = timezone.now()
        invalidate_pages(TASK_LISTS)  # update() sends no signal (signals.py)
        return self.open().update(done=True, completed_at=now, updated=now)

    def reopen(self) -> int:
        """Mark the completed tasks of this queryset open again; returns how many changed."""
        invalidate_pages(TASK_LISTS)
        return self.completed().update(done=False, completed_at=None, updated=timezone.now())


class Color(models.TextChoices):
    GRAY = "gray", "Gray"
    RED = "red", "Red"
    ORANGE = "orange", "Orange"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    PURPLE = "purple", "Purple"


class TaskList(models.Model):
    """A project or list grouping tasks (optional: a task may belong to no list)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_lists")
    name = models.CharField(max_length=80)
    color = models.CharField(max_length=10, choices=Color, default=Color.BLUE)
    created = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "owner",
                Lower("name"),
                name="tasks_tasklist_unique_name_per_owner",
                violation_error_message="You already have a list with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    """A tag attached to any number of its owner's tasks."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=40)
    created = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "owner",
                Lower("name"),
                name="tasks_label_unique_name_per_owner",
                violation_error_message="You already have a label with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


#: The order of a list of tasks (``Task.Meta.ordering``, and its index's columns after the owner).
TASK_ORDER = (
    F("done").asc(),
    ExpressionWrapper(Q(due_date__isnull=True), output_field=models.BooleanField()).asc(),
    F("due_date").asc(),
    F("priority").desc(),
    F("created").desc(),
    F("id").desc(),
)


class Task(models.Model):
    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        URGENT = 4, "Urgent"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority, default=Priority.NORMAL)
    done = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    task_list = models.ForeignKey(
        TaskList, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name="list"
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="tasks")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        # Open tasks first, then by due date with the undated last, the most urgent, the newest. "Undated
        # last" is written as ``due_date IS NULL`` rather than ``NULLS LAST`` (which SQLite cannot index), so
        # that the index below holds the same order on every database: a page of a user's tasks reads its
        # 25 rows, however many tasks there are, instead of sorting them all.
        ordering = [*TASK_ORDER]
        indexes = [
            models.Index(F("owner"), *TASK_ORDER, name="tasks_task_owner_order_idx"),
            models.Index(fields=["owner", "due_date"], name="tasks_task_owner_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # completed_at follows done: set when a task is completed, cleared when it is reopened.
        if self.done and self.completed_at is None:
            self.completed_at = timezone.now()
        elif not self.done:
            self.completed_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "done" in update_fields:
            kwargs["update_fields"] = {*update_fields, "completed_at"}
        super().save(*args, **kwargs)

    def mark_done(self) -> None:
        if not self.done:
            self.done = True
            self.save(update_fields=["done", "updated"])

    def reopen(self) -> None:
        if self.done:
            self.done = False
            self.save(update_fields=["done", "updated"])

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.due_date is not None and self.due_date < timezone.localdate()
