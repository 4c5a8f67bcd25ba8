"""A customer's own pages ("My orders", with the cart count in the header) are kept per session by the
signed-in page cache (``core/page_cache.py``) under one version per customer, ``own_pages(request)``. This
module is the one place that renews it: every write of a row those pages show renews the version of the
customer the row belongs to, whichever code makes it.

The rows are orders, their lines, carts and cart lines (``OWNED``: each model and the path from it to its
customer). A write reaches the database in one of these ways, and each renews the owner's version:

- ``save()``, ``create()``, ``get_or_create()``, ``delete()`` (also of related rows deleted with another:
  a variant's cart lines): the ``post_save`` and ``post_delete`` receivers below; a save that may move a
  row to another customer renews the previous one too (``pre_save``);
- ``QuerySet.update()``, which sends no signal (order states are moved by conditional updates in checkout,
  payments, refunds, returns, invoicing and the payment providers' webhooks), and ``bulk_update()``, which
  runs through it: ``OwnedQuerySet.update`` reads the owners of the rows it is about to change first (one
  query), then renews them, and those of rows a changed owner gives them (a guest order joining an account);
- ``bulk_create()``, which sends no signal either: ``OwnedQuerySet.bulk_create``.

So every manager of those models must make ``OwnedQuerySet`` querysets (``orders/tests/test_own_pages.py``
checks it). Raw SQL is the one way around it: call ``renew_owners`` after such a write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest

from ..core.page_cache import invalidate_pages


def group_of(user_id: object) -> str:
    """The page-cache group of a customer's own pages."""
    return f"shop:own:{user_id}"


def own_pages(request: HttpRequest) -> str:
    """The group of the signed-in customer's own pages, for ``signed_in_page_cache``."""
    return group_of(request.user.pk)


def renew_owners(user_ids: Iterable[object]) -> None:
    """The own pages of these customers (``None``: a visitor's cart, a guest's order: no page) are stale."""
    groups = sorted({group_of(user_id) for user_id in user_ids if user_id is not None})
    if groups:
        invalidate_pages(*groups)


#: The model (``app_label.ModelName``) of each kind of row those pages show, and the lookup from it to its
#: customer's id.
OWNED = {
    "orders.Order": "user",
    "orders.OrderLine": "order__user",
    "cart.Cart": "user",
    "cart.CartLine": "cart__user",
}


def _owner_path(model: type[models.Model]) -> str:
    return OWNED[model._meta.label]


def owner_of(row: models.Model) -> object:
    """The id of the customer ``row`` belongs to (None: nobody's; a parent row already deleted: nobody's,
    its own delete renewed its customer)."""
    *hops, last = _owner_path(type(row)).split("__")
    try:
        for hop in hops:
            row = getattr(row, hop)
    except models.ObjectDoesNotExist:
        return None
    return None if row is None else getattr(row, f"{last}_id")


class OwnedQuerySet(models.QuerySet):
    """The queryset of every model in ``OWNED``: its ``update()`` and ``bulk_create()`` renew the owners'
    pages, as the signals do for saves and deletes."""

    def _read(self) -> models.QuerySet:
        rows = self._chain()
        rows.query.select_for_update = False  # read in this transaction: locked by it, or not locked at all
        return rows.order_by()

    def _owners(self) -> set[object]:
        return set(self._read().values_list(_owner_path(self.model), flat=True).distinct())

    def update(self, **kwargs: Any) -> int:
        hop = _owner_path(self.model).split("__")[0]
        owners = self._owners()
        moves = bool({hop, f"{hop}_id"} & kwargs.keys())
        moved = list(self._read().values_list("pk", flat=True)) if moves else None
        changed = super().update(**kwargs)
        if changed:
            if moved is not None:  # the rows may belong to someone else now: their pages change too
                owners |= type(self)(self.model, using=self.db).filter(pk__in=moved)._owners()
            renew_owners(owners)
        return changed

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[models.Model], *args: Any, **kwargs: Any) -> list[models.Model]:
        created = super().bulk_create(objs, *args, **kwargs)
        renew_owners(owner_of(row) for row in created)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]


def _saved(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        renew_owners([owner_of(instance)])


def _deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    renew_owners([owner_of(instance)])


def _saving(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """A row saved again with its parent (order, cart or customer) may have left someone: renew them too."""
    fields = kwargs.get("update_fields")
    hop = _owner_path(sender).split("__")[0]
    if raw or instance._state.adding or instance.pk is None or (fields is not None and hop not in fields):
        return
    path = _owner_path(sender)
    rows = sender._base_manager.using(kwargs.get("using")).filter(pk=instance.pk)
    renew_owners(rows.values_list(path, flat=True))


def connect() -> None:
    """Connect the receivers for every model of ``OWNED`` (``CartConfig.ready()``)."""
    from django.apps import apps

    for label in OWNED:
        model = apps.get_model(label)
        uid = f"own_pages:{label}"
        pre_save.connect(_saving, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
