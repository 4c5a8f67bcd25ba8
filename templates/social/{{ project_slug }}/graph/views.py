"""Follow, unfollow, follow requests, block, mute and report: POST-only actions (and the report form); the
staff's moderation queue and each person's own reports with their outcome."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..core.in_place import answer
from ..posts.limits import RateLimited
from ..posts.models import Post
from ..posts.pagination import parse_id
from ..profiles.counts import profile_counts
from ..profiles.views import get_person, may_see_lists
from . import services
from .forms import ModerationForm, ReportForm
from .models import FollowRequest, Report
from .selectors import relationship


def _next_url(request: HttpRequest, person) -> str:
    """The page the button was on (``next``), if it is a page of this site; else the person's profile."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("profiles:detail", kwargs={"username": person.username})


def _action(
    request: HttpRequest, username: str, change: Callable, done: str, *, in_place: bool = False
) -> HttpResponse:
    """Apply ``change`` to the person; ``in_place`` answers htmx with the profile's follow fragment."""
    person = get_person(request, username)
    try:
        result = change(request.user, person)
    except services.GraphError as error:
        return render(request, "graph/refused.html", {"person": person, "reason": str(error)}, status=400)
    except RateLimited as error:
        return render(request, "graph/refused.html", {"person": person, "reason": str(error)}, status=429)
    if result == "requested":
        done = "Follow request sent: {name} will decide."
    message = done.format(name=person.display_name)
    if in_place:
        context = {
            "person": person,
            "relation": relationship(request.user, person),
            "counts": profile_counts(person),
            "may_see_lists": may_see_lists(request, person),
        }
        back = _next_url(request, person)
        return answer(request, "graph/partials/follow.html", context, redirect_to=back, message=message)
    messages.success(request, message)
    return redirect(_next_url(request, person))


@login_required
@require_POST
def follow(request: HttpRequest, username: str) -> HttpResponse:
    return _action(request, username, services.follow, "You now follow {name}.", in_place=True)


@login_required
@require_POST
def unfollow(request: HttpRequest, username: str) -> HttpResponse:
    return _action(request, username, services.unfollow, "You no longer follow {name}.", in_place=True)


@login_required
@require_POST
def remove_follower(request: HttpRequest, username: str) -> HttpResponse:
    return _action(request, username, services.remove_follower, "{name} no longer follows you.")


@login_required
@require_POST
def block(request: HttpRequest, username: str) -> HttpResponse:
    return _action(request, username, services.block, "You blocked {name}: neither of you sees the other.")


@login_required
@require_POST
def unblock(request: HttpRequest, username: str) -> HttpResponse:
    return _action(request, username, services.unblock, "You unblocked {name}.")


@login_required
@require_POST
def mute(request: HttpRequest, username: str) -> HttpResponse:
    return _action(request, username, services.mute, "You muted {name}: their posts leave your feed.")


@login_required
@require_POST
def unmute(request: HttpRequest, username: str) -> HttpResponse:
    return _action(request, username, services.unmute, "You unmuted {name}.")


@login_required
@require_safe
def follow_requests(request: HttpRequest) -> HttpResponse:
    pending = FollowRequest.objects.filter(target=request.user).select_related("requester__profile")
    return render(request, "graph/follow_requests.html", {"requests": pending[:200]})


@login_required
@require_POST
def answer_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline a request made to the signed-in person (anyone else's: 404)."""
    follow_request = get_object_or_404(
        FollowRequest.objects.select_related("requester"), pk=pk, target=request.user
    )
    action = request.POST.get("action")
    if action not in {"accept", "decline"}:
        return HttpResponse("Unknown action: use accept or decline.", status=400, content_type="text/plain")
    services.answer_request(request.user, follow_request, accept=action == "accept")
    name = follow_request.requester.display_name
    messages.success(request, f"{name} now follows you." if action == "accept" else f"You declined {name}.")
    return redirect(reverse("graph:requests"))


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, username: str) -> HttpResponse:
    """Report a person, or one of their posts (``?post=<id>``, which the reporter must be able to see)."""
    person = get_person(request, username)
    post_id = request.GET.get("post") or request.POST.get("post")
    post = None
    if post_id:
        if parse_id(post_id) is None:
            return HttpResponse("The post id must be a number.", status=400, content_type="text/plain")
        post = get_object_or_404(Post.objects.visible_to(request.user), pk=parse_id(post_id), author=person)
    form = ReportForm(request.POST or None)
    context = {"form": form, "person": person, "post": post}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "graph/report_form.html", context, status=400)
        try:
            services.report(request.user, person, post=post, **form.cleaned_data)
        except services.GraphError as error:
            form.add_error(None, str(error))
            return render(request, "graph/report_form.html", context, status=400)
        messages.success(request, "Thank you: the staff will review your report.")
        return redirect(post or person.profile)
    return render(request, "graph/report_form.html", context)


#: Open reports shown at once in the moderation queue (oldest first).
QUEUE_SIZE = 50


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("The moderation queue is for staff.")


def _queue(
    request: HttpRequest, forms: dict[int, ModerationForm] | None = None, refusal: str = "", status: int = 200
) -> HttpResponse:
    reports = list(
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("reporter", "reported_user__profile", "post__reply_to__author")
        .prefetch_related("post__attachments", "post__mention_rows__user")
        .annotate(
            open_about_person=Count(
                "reported_user__reports_received",
                filter=Q(reported_user__reports_received__resolved_at__isnull=True),
            )
        )
        .order_by("created_at", "pk")[:QUEUE_SIZE]
    )
    forms = forms or {}
    items = [(report, forms.get(report.pk) or ModerationForm(report=report)) for report in reports]
    context = {"items": items, "refusal": refusal}
    return render(request, "graph/moderation_queue.html", context, status=status)


@login_required
@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Open reports, oldest first, each with the reported post (and what it replies to) or profile."""
    _staff_only(request)
    return _queue(request)


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    report = get_object_or_404(Report, pk=pk)
    form = ModerationForm(request.POST, report=report)
    if not form.is_valid():
        refusal = "The decision was not taken: see the report's form below."
        return _queue(request, {report.pk: form}, refusal, status=400)
    try:
        action = services.decide(request.user, report, **form.cleaned_data)
    except services.GraphError as error:
        form.add_error(None, str(error))
        status = 409 if isinstance(error, services.Decided) else 400
        return _queue(request, {report.pk: form}, str(error), status=status)
    messages.success(request, f"Decided: {action.outcome}. The reporters were told.")
    return redirect("graph:moderation")


@login_required
@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    """The signed-in person's reports and what the staff decided (the moderator is not named)."""
    reports = (
        Report.objects.filter(reporter=request.user)
        .select_related("reported_user", "decision")
        .order_by("-created_at", "-pk")[:QUEUE_SIZE]
    )
    return render(request, "graph/my_reports.html", {"reports": reports})
