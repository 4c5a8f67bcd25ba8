"""Who a checkout is for: a signed-in user, or a guest known only by an email address.

The per-customer rules (a voucher's uses per customer in ``vouchers.py``, the anti-hoarding cap in
``orders.checkout``) count "this customer's orders" and take "this customer's lock" through a ``Customer``,
so they hold for guests as for accounts:

- a user's orders are theirs (``Order.user``); a guest's are every order placed with their email address,
  normalised (``normalize_email``: trimmed, lower case), so typing ``Ada@Example.com`` does not make a
  new customer;
- a user's lock is their row (``FOR NO KEY UPDATE``); a guest has no row, so on PostgreSQL their lock is
  a transaction-level advisory lock on a number derived from the email (released at commit or rollback).
  SQLite runs one writing transaction at a time, so it needs no lock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q


def normalize_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class Customer:
    user: Any = None
    #: A guest's normalised email address ("" for a user).
    email: str = ""

    @classmethod
    def of(cls, user: Any = None, email: str = "") -> Customer:
        """The signed-in ``user``, or else the guest with ``email``."""
        if user is not None and user.is_authenticated:
            return cls(user=user)
        return cls(email=normalize_email(email))

    @property
    def is_known(self) -> bool:
        """False for a visitor who has not given an email address yet (nothing can be counted)."""
        return self.user is not None or bool(self.email)

    def orders(self, prefix: str = "") -> Q:
        """The condition on ``Order`` (reached through ``prefix``, such as ``"order__"``) for this
        customer's orders."""
        if self.user is not None:
            return Q(**{f"{prefix}user": self.user})
        return Q(**{f"{prefix}email__iexact": self.email})

    def lock(self) -> None:
        """Hold this customer's lock until the transaction ends: their checkouts run one after the other."""
        if self.user is not None:
            users = get_user_model().objects.select_for_update(no_key=True)
            users.filter(pk=self.user.pk).values_list("pk").get()
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [self._lock_key()])

    def _lock_key(self) -> int:
        """A signed 64-bit number for the guest's email (PostgreSQL's advisory lock key)."""
        digest = hashlib.blake2b(f"guest:{self.email}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big", signed=True)
