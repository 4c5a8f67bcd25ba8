"""When a kept organisation dashboard is still right (``views.DashboardView``, ``signed_in_page_cache``).

The dashboard shows three kinds of data, and each has its own way of never being missed:

* The rows ``OrganizationMiddleware`` reads on every request anyway to check the membership (the user's
  memberships, their organisations and subscriptions: the role, the name, the plan and its trial, the
  organisation switcher). ``scope`` puts all of them in the page's key, so any change to them, whatever
  made it (a save, an ``update()``, the admin, SQL), is a new page at once; so is the next day of a trial.
* Counts and lists of the organisation's members, invitations, projects and tasks (the models of
  ``COUNTED``). Every write to those tables renews the organisation's version (``renew``): saves and
  deletes (cascades and query set deletes too) through ``post_save``/``post_delete`` (a row moved to
  another organisation renews the one it left too: ``CountedModel``), and ``update()``, ``bulk_create()``
  and ``bulk_update()``, which send no signal, through ``CountedQuerySet``, the query set of every manager
  of those models. A test checks all three for every model in ``COUNTED``; a new model whose rows the
  dashboard shows goes in ``COUNTED``, inherits ``CountedModel`` and uses ``CountedQuerySet``.
* The clock: a pending invitation stops holding a seat when it expires, so a page is kept no longer than
  until the next pending invitation expires (``seconds_until_an_invitation_expires``).

Not covered: raw SQL on the ``COUNTED`` tables and Django's internal ``_base_manager``; the page is then
kept until ``PAGE_CACHE_SECONDS`` ends, at most.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone

from ..core.page_cache import forget, invalidate_pages
from .scoping import org_cache_key

#: The models whose rows the dashboard counts or lists (seats, plan usage, projects, open tasks).
COUNTED = ("organizations.Membership", "invitations.Invitation", "projects.Project", "projects.Task")


def group(organization_id: int) -> str:
    """The page-cache group of one organisation's dashboard."""
    return f"org:{organization_id}:dashboard"


def group_of(request: HttpRequest) -> str:
    return group(request.organization.pk)


def renew(organization_ids: Iterable[int | None]) -> None:
    """The dashboards of these organisations are stale: a new version, and their project counts recounted."""
    ids = sorted({pk for pk in organization_ids if pk is not None})
    if ids:
        forget(*(org_cache_key("project-stats", organization_id=pk) for pk in ids))
        invalidate_pages(*(group(pk) for pk in ids))


class CountedQuerySet(models.QuerySet):
    """The query set of the ``COUNTED`` models: the writes that send no signal renew the dashboards too."""

    def _organization_ids(self) -> set[int]:
        return set(self.order_by().values_list("organization_id", flat=True).distinct())

    def update(self, **kwargs) -> int:
        before = self._organization_ids()  # the rows' organisations before (a moved row leaves one)
        count = super().update(**kwargs)
        moved_to = kwargs.get("organization_id", getattr(kwargs.get("organization"), "pk", None))
        renew([*before, moved_to if isinstance(moved_to, int) else None])  # an expression: see bulk_update
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        renew(obj.organization_id for obj in created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs) -> int:
        """Django runs it as ``update()``s (above: the organisations before) of expressions, so the
        organisations after come from ``objs``."""
        objs = list(objs)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        renew(obj.organization_id for obj in objs)
        return count

    bulk_update.alters_data = True


class CountedModel(models.Model):
    """Base of the ``COUNTED`` models: remembers the organisation a row was read with, so that a save which
    moves it to another one (the admin may) renews the dashboard it leaves as well."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):  # Django 6.1 adds ``fetch_mode``
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_organization_id = instance.__dict__.get("organization_id")
        return instance


def _renew_for_row(sender, instance, **kwargs) -> None:
    renew([instance.organization_id, getattr(instance, "_loaded_organization_id", None)])
    instance._loaded_organization_id = instance.organization_id


for _model in COUNTED:
    post_save.connect(_renew_for_row, sender=_model, dispatch_uid=f"dashboard-cache:save:{_model}")
    post_delete.connect(_renew_for_row, sender=_model, dispatch_uid=f"dashboard-cache:delete:{_model}")


def _row(instance: models.Model) -> list[str]:
    return [str(getattr(instance, field.attname)) for field in instance._meta.concrete_fields]


def scope(request: HttpRequest) -> str:
    """The rows the middleware read for this request (every membership of the user, with its organisation
    and subscription), and what the clock makes of the current subscription: the trial's days left and the
    plan in force. Any change is a new key; nothing has to announce it."""
    parts: list[str] = []
    for membership in request.org_memberships:
        organization = membership.organization
        parts += _row(membership) + _row(organization)
        subscription = getattr(organization, "subscription", None)
        if subscription is not None:
            parts += _row(subscription)
            parts += [str(subscription.trial_days_left), subscription.effective_plan.code]
    return "\n".join(parts)


def seconds_until_an_invitation_expires(request: HttpRequest) -> int | None:
    """Until the organisation's next pending invitation expires and frees its seat (None: none pending)."""
    from ..invitations.models import Invitation  # this module is imported by the models' modules

    first = Invitation.objects.pending().aggregate(first=models.Min("sent_at"))["first"]
    if first is None:
        return None
    left = first.timestamp() + settings.INVITATION_MAX_AGE - timezone.now().timestamp()
    return max(0, int(left))
