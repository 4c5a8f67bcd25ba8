"""Follow, unfollow, follow requests, block, mute and report: POST-only actions (and the report form)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
from .forms import ReportForm
from .models import FollowRequest
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
