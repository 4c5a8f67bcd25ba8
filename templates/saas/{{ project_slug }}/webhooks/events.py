"""Where the organisation's events come from: the one module that emits webhook events.

Each receiver below turns a saved or deleted row into an event (``services.emit``), sent once the
transaction commits, so a rolled-back change never sends anything. Receivers (rather than calls in each
view) catch every path that changes these rows: the site, the API, the admin and the services.

- ``project.created`` / ``project.updated``: a project is saved;
- ``task.completed``: a task is saved done, having not been done;
- ``member.joined`` / ``member.left``: a membership is created / deleted (an organisation's deletion
  sends nothing: its endpoints go with it);
- ``subscription.changed``: a subscription's plan or status changes (the billing webhook, the admin).
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from ..billing.models import Subscription
from ..organizations.models import Membership
from ..projects.models import Project, Task
from .models import EventType
from .services import emit


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


@receiver(post_save, sender=Project, dispatch_uid="webhooks.project_saved")
def project_saved(sender, instance: Project, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    data = {
        "id": instance.pk,
        "name": instance.name,
        "description": instance.description,
        "created_at": _when(instance.created_at),
        "updated_at": _when(instance.updated_at),
    }
    emit(instance.organization_id, EventType.PROJECT_CREATED if created else EventType.PROJECT_UPDATED, data)


@receiver(post_init, sender=Task, dispatch_uid="webhooks.task_loaded")
def task_loaded(sender, instance: Task, **kwargs) -> None:
    # From __dict__: a deferred field is not loaded just to remember it.
    instance._webhooks_was_done = instance.__dict__.get("done")


@receiver(post_save, sender=Task, dispatch_uid="webhooks.task_saved")
def task_saved(sender, instance: Task, created: bool, raw: bool = False, **kwargs) -> None:
    was_done, instance._webhooks_was_done = getattr(instance, "_webhooks_was_done", None), instance.done
    if raw or not instance.done or (was_done and not created):
        return
    data = {
        "id": instance.pk,
        "title": instance.title,
        "project": instance.project_id,
        "assignee": instance.assignee_id,
        "due_date": _when(instance.due_date),
    }
    emit(instance.organization_id, EventType.TASK_COMPLETED, data)


def _member(instance: Membership) -> dict:
    if Membership.user.is_cached(instance):
        user = instance.user
        username, email = user.get_username(), user.email
    else:
        User = get_user_model()
        row = (
            User._default_manager.filter(pk=instance.user_id)
            .values_list(User.USERNAME_FIELD, "email")
            .first()
        )
        username, email = row or ("", "")
    return {"user": {"id": instance.user_id, "username": username, "email": email}, "role": instance.role}


@receiver(post_save, sender=Membership, dispatch_uid="webhooks.member_joined")
def member_joined(sender, instance: Membership, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        emit(instance.organization_id, EventType.MEMBER_JOINED, _member(instance))


@receiver(post_delete, sender=Membership, dispatch_uid="webhooks.member_left")
def member_left(sender, instance: Membership, **kwargs) -> None:
    emit(instance.organization_id, EventType.MEMBER_LEFT, _member(instance))


@receiver(post_init, sender=Subscription, dispatch_uid="webhooks.subscription_loaded")
def subscription_loaded(sender, instance: Subscription, **kwargs) -> None:
    instance._webhooks_was = (instance.__dict__.get("plan"), instance.__dict__.get("status"))


@receiver(post_save, sender=Subscription, dispatch_uid="webhooks.subscription_saved")
def subscription_saved(sender, instance: Subscription, created: bool, raw: bool = False, **kwargs) -> None:
    before, instance._webhooks_was = (
        getattr(instance, "_webhooks_was", (None, None)),
        (instance.plan, instance.status),
    )
    if raw or created or before == (instance.plan, instance.status):
        return
    data = {
        "plan": instance.plan,
        "status": instance.status,
        "previous_plan": before[0],
        "previous_status": before[1],
        "current_period_end": _when(instance.current_period_end),
    }
    emit(instance.organization_id, EventType.SUBSCRIPTION_CHANGED, data)
