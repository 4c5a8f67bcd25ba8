"""Changes to the follow graph: follow, requests, block, mute, report, and the staff's decisions on reports.
Thin views and the API call these.

Each function checks its rule and raises ``GraphError`` with a message for the person; nothing is half
done (each runs in a transaction; the request's own, or ``atomic`` here).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..notifications.models import Notification
from ..notifications.services import notify, retract, retract_between
from ..posts import limits
from ..profiles.counts import invalidate_counts
from ..profiles.models import Profile
from .models import Block, Follow, FollowRequest, ModerationAction, Mute, Report
from .selectors import is_blocked_either_way

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from ..posts.models import Post


class GraphError(Exception):
    """A follow, block or report that is not allowed; the message is shown to the person."""


class Decided(GraphError):
    """The report was handled already (by another moderator, a moment ago)."""


def _check_other(user: AbstractBaseUser, other: AbstractBaseUser, action: str) -> None:
    if user.pk == other.pk:
        raise GraphError(f"You cannot {action} yourself.")


@transaction.atomic
def follow(follower: AbstractBaseUser, followee: AbstractBaseUser) -> str:
    """Follow ``followee``, or ask to when the account is private. Returns "following" or "requested"."""
    _check_other(follower, followee, "follow")
    if is_blocked_either_way(follower, followee):
        raise GraphError("You cannot follow this account.")
    if Follow.objects.filter(follower=follower, followee=followee).exists():
        return "following"  # also when a private account one follows is asked again
    # get_or_create: the unique constraint decides between simultaneous requests (one row, one
    # notification; the others find the row), so a double click is never an IntegrityError.
    if followee.profile.is_private:
        _, created = FollowRequest.objects.get_or_create(requester=follower, target=followee)
        if created:
            limits.hit(follower.pk, "follow")
            notify(followee, Notification.Kind.FOLLOW_REQUEST, follower)
        return "requested"
    _, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        limits.hit(follower.pk, "follow")
        invalidate_counts(follower, followee)
        notify(followee, Notification.Kind.FOLLOW, follower)
    return "following"


@transaction.atomic
def unfollow(follower: AbstractBaseUser, followee: AbstractBaseUser) -> None:
    """Stop following (or withdraw a pending request); nothing happens when there was neither."""
    if Follow.objects.filter(follower=follower, followee=followee).delete()[0]:
        invalidate_counts(follower, followee)
        retract(followee, Notification.Kind.FOLLOW, follower)
    if FollowRequest.objects.filter(requester=follower, target=followee).delete()[0]:
        retract(followee, Notification.Kind.FOLLOW_REQUEST, follower)


@transaction.atomic
def remove_follower(user: AbstractBaseUser, follower: AbstractBaseUser) -> None:
    """``follower`` no longer follows ``user`` (not told; they may follow or ask again)."""
    if Follow.objects.filter(follower=follower, followee=user).delete()[0]:
        invalidate_counts(follower, user)
        retract(user, Notification.Kind.FOLLOW, follower)


@transaction.atomic
def answer_request(target: AbstractBaseUser, request: FollowRequest, *, accept: bool) -> None:
    """Accept (the requester now follows ``target``) or decline a request made to ``target``."""
    if request.target_id != target.pk:
        raise GraphError("That follow request is not yours to answer.")
    requester = request.requester
    request.delete()
    retract(target, Notification.Kind.FOLLOW_REQUEST, requester)
    if accept:
        Follow.objects.get_or_create(follower=requester, followee=target)
        invalidate_counts(requester, target)


@transaction.atomic
def accept_pending_requests(target: AbstractBaseUser) -> int:
    """A private account made public: everyone who asked to follow it now does. Returns how many."""
    pending = list(FollowRequest.objects.filter(target=target).select_related("requester"))
    for request in pending:
        answer_request(target, request, accept=True)
    return len(pending)


@transaction.atomic
def block(blocker: AbstractBaseUser, blocked: AbstractBaseUser) -> None:
    """Block: neither sees the other any more; follows and requests both ways end."""
    _check_other(blocker, blocked, "block")
    Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    pair = Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker)
    Follow.objects.filter(pair).delete()
    FollowRequest.objects.filter(
        Q(requester=blocker, target=blocked) | Q(requester=blocked, target=blocker)
    ).delete()
    invalidate_counts(blocker, blocked)
    retract_between(blocker, blocked)


@transaction.atomic
def unblock(blocker: AbstractBaseUser, blocked: AbstractBaseUser) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


@transaction.atomic
def mute(muter: AbstractBaseUser, muted: AbstractBaseUser) -> None:
    _check_other(muter, muted, "mute")
    Mute.objects.get_or_create(muter=muter, muted=muted)


@transaction.atomic
def unmute(muter: AbstractBaseUser, muted: AbstractBaseUser) -> None:
    Mute.objects.filter(muter=muter, muted=muted).delete()


@transaction.atomic
def report(
    reporter: AbstractBaseUser,
    reported_user: AbstractBaseUser,
    *,
    reason: str,
    note: str = "",
    post: Post | None = None,
) -> Report:
    """File a report for the staff; a post is reported together with its author.

    While the reporter's earlier report of the same post (or profile) waits for review, that one is
    returned and nothing is added (the constraint decides between simultaneous reports).
    """
    _check_other(reporter, reported_user, "report")
    if post is not None and post.author_id != reported_user.pk:
        raise GraphError("That post is not by this person.")
    report, _ = Report.objects.get_or_create(
        reporter=reporter,
        reported_user=reported_user,
        post=post,
        resolved_at=None,
        defaults={"reason": reason, "note": note},
    )
    return report


@transaction.atomic
def decide(
    moderator: AbstractBaseUser, report: Report, *, kind: str, reason: str, days: int | None = None
) -> ModerationAction:
    """A moderator's decision on an open report: hide the reported post, suspend the person (for ``days``,
    or for ever without), or dismiss. Recorded with who and why (``ModerationAction``); every open report it
    settles is resolved with it (all of the person's for a suspension, those of the same post or profile
    otherwise), and each of their reporters is told.

    Decisions about one person are taken one at a time (their profile row is locked), so two moderators
    acting at once on the same report make one decision: the other is told it was handled already.
    """
    Profile.objects.select_for_update().filter(user=report.reported_user_id).first()
    report = Report.objects.select_related("reported_user").get(pk=report.pk)
    if report.resolved_at is not None:
        raise Decided("Another moderator has handled this report already.")
    person = report.reported_user
    if kind == ModerationAction.Kind.HIDE_POST and report.post_id is None:
        raise GraphError("This report is about a profile: there is no post to hide.")
    if kind == ModerationAction.Kind.SUSPEND and (person.is_staff or person.pk == moderator.pk):
        raise GraphError("A staff account cannot be suspended from the queue.")
    if kind not in ModerationAction.Kind.values:
        raise GraphError("Choose hide, suspend or dismiss.")
    now = timezone.now()
    until = now + timedelta(days=days) if kind == ModerationAction.Kind.SUSPEND and days else None
    action = ModerationAction.objects.create(
        kind=kind,
        moderator=moderator,
        person=person,
        post_id=report.post_id,
        reason=reason,
        suspended_until=until,
    )
    settled = Report.objects.filter(resolved_at__isnull=True, reported_user=person)
    if kind == ModerationAction.Kind.SUSPEND:
        Profile.objects.filter(user=person).update(suspended_at=now, suspended_until=until)
    elif report.post_id:
        settled = settled.filter(post=report.post_id)
    else:
        settled = settled.filter(post__isnull=True)
    told = list(settled.values_list("pk", "reporter_id"))
    settled.update(resolved_at=now, decision=action)
    reporters = get_user_model().objects.in_bulk({reporter for _, reporter in told})
    for pk, reporter in told:
        notify(reporters[reporter], Notification.Kind.REPORT, moderator, group=f"report:{pk}")
    return action
