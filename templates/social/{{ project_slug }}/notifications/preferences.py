"""Notification preferences: which kinds a person sees in the app and which are emailed, and the one-click
unsubscribe link every notification email carries (RFC 8058).

The rule lives here: ``notify`` asks ``wants`` before creating or emailing a notification, the email senders
ask it again when they run (the person may have unsubscribed in between), and the list and badge leave out
the kinds turned off in the app (``NotificationQuerySet.for_recipient``).

An unsubscribe link holds the person's id and the kind, signed with ``SECRET_KEY`` under a salt used for
nothing else (``django.core.signing``): it needs no login, cannot be changed to reach someone else, and
cannot be forged from any other signed value of the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.core import signing
from django.urls import reverse

from . import badge
from .models import Notification, NotificationPreference

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

Channel = Literal["in_app", "email"]
Kind = Notification.Kind
DIGEST = NotificationPreference.DIGEST

#: Without a choice of their own: every kind in the app; follow requests, mentions, reviewed reports and the
#: digest by email.
#: (In the app is on by default for every kind: ``for_recipient`` reads only the rows that turn it off.)
DEFAULTS: dict[str, dict[Channel, bool]] = {
    Kind.FOLLOW: {"in_app": True, "email": False},
    Kind.FOLLOW_REQUEST: {"in_app": True, "email": True},
    Kind.LIKE: {"in_app": True, "email": False},
    Kind.BOOST: {"in_app": True, "email": False},
    Kind.REPLY: {"in_app": True, "email": False},
    Kind.MENTION: {"in_app": True, "email": True},
    Kind.REPORT: {"in_app": True, "email": True},
    DIGEST: {"in_app": True, "email": True},
}
#: The kinds that are only emails (no in-app switch).
EMAIL_ONLY = {DIGEST}
LABELS = dict(NotificationPreference.KINDS)

#: The salt of unsubscribe tokens: a signature made for another purpose is not valid here.
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Choice:
    kind: str
    label: str
    in_app: bool
    email: bool

    @property
    def email_only(self) -> bool:
        return self.kind in EMAIL_ONLY


class BadToken(Exception):
    """An unsubscribe token that was changed, cut short or made for something else."""


def choices_of(user: AbstractBaseUser) -> list[Choice]:
    """Every kind with the person's choice (or the default), in a fixed order; one query."""
    rows = NotificationPreference.objects.filter(user=user.pk).values("kind", "in_app", "email")
    stored = {row.pop("kind"): row for row in rows}
    return [Choice(kind, str(LABELS[kind]), **stored.get(kind, DEFAULTS[kind])) for kind in DEFAULTS]


def choice_of(user: AbstractBaseUser, kind: str) -> Choice:
    """``user``'s choice for ``kind`` (or the default); one query."""
    stored = NotificationPreference.objects.filter(user=user.pk, kind=kind).values("in_app", "email").first()
    return Choice(kind, str(LABELS[kind]), **(stored or DEFAULTS[kind]))


def wants(user: AbstractBaseUser, kind: str, channel: Channel) -> bool:
    """Whether ``user`` gets notifications of ``kind`` through ``channel``; one query."""
    return getattr(choice_of(user, kind), channel)


def save(user: AbstractBaseUser, changes: dict[str, dict[Channel, bool]]) -> None:
    """Store the given channels of the given kinds (``{"like": {"email": True}}``), leaving the rest as they
    are. A kind whose choice is the default again loses its row; the others are written with one upsert
    (``INSERT … ON CONFLICT (user, kind) DO UPDATE``) per set of changed channels, so two saves at once never
    collide: the unique constraint keeps one row per kind, and the last write wins."""
    current = {choice.kind: choice for choice in choices_of(user)}
    upserts: dict[tuple[str, ...], list[NotificationPreference]] = {}
    back_to_default = []
    for kind, channels in changes.items():
        if kind not in DEFAULTS:
            raise ValueError(f"Unknown notification kind: {kind}")
        values = {"in_app": current[kind].in_app, "email": current[kind].email, **channels}
        if values == DEFAULTS[kind]:
            back_to_default.append(kind)
            continue
        upserts.setdefault(tuple(sorted(channels)), []).append(
            NotificationPreference(user_id=user.pk, kind=kind, **values)
        )
    if back_to_default:
        NotificationPreference.objects.filter(user=user.pk, kind__in=back_to_default).delete()
    for fields, rows in upserts.items():
        NotificationPreference.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "kind"], update_fields=[*fields, "updated_at"]
        )
    badge.changed(user.pk)  # what the app shows, so what the badge counts (bulk_create sends no signal)


def unsubscribe(user: AbstractBaseUser, kind: str) -> None:
    """Stop emails of ``kind`` to ``user`` (what a one-click unsubscribe does); safe to repeat."""
    save(user, {kind: {"email": False}})


def unsubscribe_token(user: AbstractBaseUser, kind: str) -> str:
    return signing.dumps({"user": user.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT)


def read_token(token: str) -> tuple[int, str]:
    """The (user id, kind) an unsubscribe token stands for; ``BadToken`` when it is not one of ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kind = data["user"], data["kind"]
    except (signing.BadSignature, KeyError, TypeError, ValueError, UnicodeDecodeError) as error:
        raise BadToken("This unsubscribe link is not valid: it was changed or cut short.") from error
    if not isinstance(user_id, int) or kind not in DEFAULTS:
        raise BadToken("This unsubscribe link is not valid: it names no kind of email.")
    return user_id, kind


def unsubscribe_headers(site_url: str, user: AbstractBaseUser, kind: str) -> dict[str, str]:
    """The RFC 8058 headers of an email of ``kind`` to ``user``: mail clients show an "Unsubscribe" button
    that POSTs ``List-Unsubscribe=One-Click`` to the link, with no login."""
    url = site_url + reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user, kind)})
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
