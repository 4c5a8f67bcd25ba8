"""Profile pages: a person's posts and counts, their followers and follows, the privacy settings, and the
people search."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods, require_safe

from ..graph.models import Follow
from ..graph.selectors import blocked_by_ids, blocking_ids, find_people, people_visible_to, relationship
from ..graph.services import accept_pending_requests
from ..posts.pagination import KeysetPage, card_page, keyset_page, username_page
from . import deletion
from .counts import profile_counts
from .forms import DeleteAccountForm, ProfileSettingsForm

#: People shown per page of a followers / following list and of the people search.
PEOPLE_PER_PAGE = 50
#: The longest query the searches look for (longer ones are cut).
MAX_QUERY_LENGTH = 100


def get_person(request: HttpRequest, username: str):
    """The active person named ``username``; a 404 when they blocked the viewer (they are gone for them)."""
    return get_object_or_404(people_visible_to(request.user).select_related("profile"), username=username)


def may_see_lists(request: HttpRequest, person) -> bool:
    """Followers/following lists: hidden when the person chose so, or keeps a private account."""
    if request.user.pk == person.pk:
        return True
    if person.profile.hide_followers:
        return False
    if person.profile.is_private:
        return Follow.objects.filter(follower=request.user.pk, followee=person.pk).exists()
    return True


@require_safe
def profile_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = get_person(request, username)
    relation = relationship(request.user, person)
    page = (
        card_page(request.user, "by", request.GET.get("before"), settings.SOCIAL_FEED_PAGE_SIZE, person.pk)
        if not relation["blocking"]
        else KeysetPage(items=[], next_before=None)
    )
    context = {
        "person": person,
        "counts": profile_counts(person),
        "relation": relation,
        "page": page,
        "is_self": request.user.pk == person.pk,
        "may_see_lists": may_see_lists(request, person),
    }
    return render(request, "profiles/profile_detail.html", context)


def _people_page(request: HttpRequest, username: str, *, followers: bool) -> HttpResponse:
    person = get_person(request, username)
    if not may_see_lists(request, person):
        return render(request, "profiles/people_hidden.html", {"person": person}, status=403)
    if followers:
        rows = Follow.objects.filter(followee=person).select_related("follower__profile")
    else:
        rows = Follow.objects.filter(follower=person).select_related("followee__profile")
    other = "follower" if followers else "followee"
    if request.user.is_authenticated:
        rows = rows.exclude(**{f"{other}__in": blocking_ids(request.user)}).exclude(
            **{f"{other}__in": blocked_by_ids(request.user)}
        )
    page = keyset_page(rows, request.GET.get("before"), PEOPLE_PER_PAGE)
    context = {
        "person": person,
        "people": [getattr(row, other) for row in page.items],
        "page": page,
        "heading": "Followers" if followers else "Following",
        "removable": followers and request.user.pk == person.pk,  # one may remove one's own followers
    }
    return render(request, "profiles/people_list.html", context)


@require_safe
def followers(request: HttpRequest, username: str) -> HttpResponse:
    return _people_page(request, username, followers=True)


@require_safe
def following(request: HttpRequest, username: str) -> HttpResponse:
    return _people_page(request, username, followers=False)


@require_safe
def people_search(request: HttpRequest) -> HttpResponse:
    """People by username or display name (``graph.selectors.find_people``), in username order."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    people = find_people(request.user, query).select_related("profile")
    page = username_page(people, request.GET.get("after"), PEOPLE_PER_PAGE)
    return render(request, "profiles/people_search.html", {"page": page, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def profile_settings(request: HttpRequest) -> HttpResponse:
    profile = request.user.profile
    was_private = profile.is_private  # read before the form writes the new choice onto the instance
    form = ProfileSettingsForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
                accepted = (
                    accept_pending_requests(request.user) if was_private and not profile.is_private else 0
                )
            messages.success(request, "Your profile settings were saved.")
            if accepted:
                messages.info(
                    request,
                    f"Your account is public: {accepted} pending follow request"
                    f"{pluralize(accepted)} {pluralize(accepted, 'was,were')} accepted.",
                )
            return redirect(profile)
        return render(request, "profiles/profile_settings.html", {"form": form}, status=400)
    return render(request, "profiles/profile_settings.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_deletion(request: HttpRequest) -> HttpResponse:
    """Schedule one's account for deletion (with the password), or, during the grace period, keep it."""
    profile = request.user.profile
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    context = {"profile": profile, "form": form, "grace_days": settings.SOCIAL_DELETION_GRACE_DAYS}
    if request.method == "GET":
        return render(request, "profiles/account_delete.html", context)
    if request.POST.get("action") == "cancel":
        if deletion.cancel(request.user):
            messages.success(request, "Your account stays: everything shows again as before.")
        else:
            messages.info(request, "Your account was not scheduled for deletion.")
        return redirect("profiles:delete_account")
    if not form.is_valid():
        return render(request, "profiles/account_delete.html", context, status=400)
    profile = deletion.schedule(request.user)
    messages.success(
        request,
        f"Your account is hidden and will be deleted on {profile.deletion_due_at:%d %b %Y}. "
        "Until then you can keep it from this page.",
    )
    return redirect("profiles:delete_account")
