"""The moderation part of the privacy rule: what moderators took away from everybody but its author.

``allowed(prefix)`` is a condition on the post at ``prefix`` that ``posts.managers`` adds to the rule where
it checks that the author's account is active: a post a moderator hid, or any post of a suspended account
(until the suspension ends), is not seen. Two subqueries inside the same SQL query, so pages stay one query.
"""

from __future__ import annotations

from django.db.models import DateTimeField, Q, Value
from django.utils import timezone

from ..core.statements import Slot, is_compiling_statement
from ..profiles.models import Profile
from .models import ModerationAction


def hidden_post_ids():
    """Posts a moderator hid (never NULL, so ``NOT IN`` is safe)."""
    return ModerationAction.objects.filter(kind=ModerationAction.Kind.HIDE_POST, post__isnull=False).values(
        "post_id"
    )


class CurrentTime(Slot):
    """``timezone.now()`` as a query parameter read when the query is compiled, not when it is put together:
    a privacy-rule queryset built once (``posts.managers``) still compares with the time of each read, and a
    statement compiled once (``posts.statements``) is given the time of each of its reads."""

    def __init__(self) -> None:
        super().__init__("now", output_field=DateTimeField())

    def as_sql(self, compiler, connection):
        if is_compiling_statement():
            return super().as_sql(compiler, connection)
        return Value(timezone.now(), output_field=self.output_field).as_sql(compiler, connection)

    def value_for(self, values):
        return timezone.now()


def allowed(prefix: str = "") -> Q:
    """The post at ``prefix`` was not hidden and its author is not suspended now (at each read)."""
    profile = f"{prefix}author__profile__"
    not_suspended = Q(**{f"{profile}suspended_at__isnull": True}) | Q(
        **{f"{profile}suspended_until__lte": CurrentTime()}
    )
    return not_suspended & ~Q(**{f"{prefix}pk__in": hidden_post_ids()})


def is_suspended(user) -> bool:
    """Whether ``user``'s account is suspended now (read from the database, not a cached profile)."""
    suspended = Q(suspended_until__isnull=True) | Q(suspended_until__gt=timezone.now())
    return Profile.objects.filter(suspended, user=user.pk, suspended_at__isnull=False).exists()
