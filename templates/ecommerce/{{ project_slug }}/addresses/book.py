"""The address book's one rule: a customer with addresses has exactly one default.

Every change that could break it runs in a transaction under the customer's row lock (``FOR NO KEY
UPDATE``), so two changes of one book (two tabs, the site and the API) run one after the other: the first
address saved becomes the default, making another the default clears the old one first, and deleting the
default passes it to the newest remaining address. The database's partial unique constraint
(``addresses_one_default_per_user``) refuses a second default whatever code writes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Address


def addresses_of(user: Any):
    return Address.objects.filter(user=user)


def default_of(user: Any) -> Address | None:
    if not user.is_authenticated:
        return None
    return addresses_of(user).filter(is_default=True).first()


def _lock(user: Any) -> None:
    get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk").get()


@transaction.atomic
def save(address: Address, *, make_default: bool = False) -> Address:
    """Save ``address`` (new or edited) to its user's book; the first one is the default."""
    _lock(address.user)
    first = not addresses_of(address.user).exclude(pk=address.pk).exists()
    if make_default or first:
        addresses_of(address.user).exclude(pk=address.pk).filter(is_default=True).update(is_default=False)
        address.is_default = True
    address.save()
    return address


@transaction.atomic
def make_default(address: Address) -> Address:
    """Make ``address`` its user's default (the old default stops being one)."""
    _lock(address.user)
    addresses_of(address.user).filter(is_default=True).exclude(pk=address.pk).update(is_default=False)
    addresses_of(address.user).filter(pk=address.pk).update(is_default=True)
    address.is_default = True
    return address


@transaction.atomic
def delete(address: Address) -> Address | None:
    """Delete ``address``; when it was the default, the newest remaining one becomes it (returned)."""
    _lock(address.user)
    was_default = addresses_of(address.user).filter(pk=address.pk, is_default=True).exists()
    address.delete()
    if not was_default:
        return None
    heir = addresses_of(address.user).order_by("-created_at", "-pk").first()
    if heir is not None:
        make_default(heir)
    return heir
