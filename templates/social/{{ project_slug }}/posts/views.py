"""Post pages: the home feed (with boosts), a post with its replies, writing, editing, deleting, liking,
boosting, search, and a tag's page (with its follow button).

Every read starts from ``Post.objects.visible_to(request.user)``: a post the viewer may not see is a 404,
whichever page asks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..core.in_place import answer
from ..core.page_cache import anonymous_page_cache, signed_in_page_cache
from ..graph.selectors import find_people
from ..notifications import badge
from . import managers, media, services, timeline_cache
from .forms import MediaForm, PostForm, ReplyForm
from .limits import RateLimited
from .managers import PostQuerySet
from .models import EDITS_SHOWN, Post, Tag
from .pagination import KeysetPage, card_page, feed_page, keyset_page

#: Replies shown under a post (oldest first); longer threads are cut here, the count says how many.
REPLIES_SHOWN = 100
FEED_EMPTY = "Your feed is empty: follow people from Explore, or write your first post."
#: The home page's compose fields as HTML, for each (starting audience, limits they show, language):
#: rendered once per process (``compose_fields``).
_compose_fields: dict[tuple, str] = {}


def compose_fields(author) -> str:
    """The fields of the home page's compose box (the post's and its images'), unbound, as HTML.

    An unbound form's markup depends on nothing but the audience a new post starts with, the limits it
    shows and the language (the CSRF token is outside it), so it is rendered once per process for each:
    about a third of a signed-in home page that is not in the cache. Rendered afresh each time with
    ``DEBUG`` (template edits show at once).
    """
    visibility = services.default_visibility(author)
    bounds = (settings.SOCIAL_POST_MAX_LENGTH, media.MAX_ATTACHMENTS, media.ALT_TEXT_MAX_LENGTH)
    key = (visibility, *bounds, get_language())
    html = None if settings.DEBUG else _compose_fields.get(key)
    if html is None:
        context = {"form": PostForm(author=author), "media_form": MediaForm()}
        html = _compose_fields[key] = render_to_string("posts/_compose_fields.html", context)
    return html


def _cards(request: HttpRequest) -> PostQuerySet:
    """The posts the viewer may see, as cards (``visible_to`` + ``with_cards``).

    Built once per request: putting the privacy rule together is most of a page's Python time, and a page
    that reads it twice (a post and its replies, a like and the card it returns) filters copies of one.
    """
    cards = getattr(request, "_post_cards", None)
    if cards is None:
        cards = request._post_cards = Post.objects.visible_to(request.user).with_cards(request.user)
    return cards


def _own_badge(request: HttpRequest) -> str:
    return badge.group(request.user.pk)


def _first_page_only(request: HttpRequest) -> int:
    """How long a home page is kept whole: the first page, as long as its timeline; older pages (a cursor
    in the query) not at all (one copy per cursor would let anyone fill the cache)."""
    return 0 if request.GET else settings.SOCIAL_PUBLIC_CACHE_SECONDS


@require_safe
@anonymous_page_cache(timeline_cache.GROUP, timeout=_first_page_only)
@signed_in_page_cache(timeline_cache.GROUP, _own_badge, timeout=_first_page_only)
def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the home feed (own and followed people's posts, and their boosts, at the time of the boost).
    Otherwise: the public timeline. The first page's content (the compose form and the cards) comes from the
    cache (``timeline_cache.first_page``). The whole first page is kept too (``core/page_cache.py``): one copy
    for every signed-out visitor, and one per signed-in session, while neither the timelines nor (signed in)
    the person's unread badge change (``notifications/badge.py``); a visit then reads no post and renders
    nothing."""
    before, size = request.GET.get("before"), settings.SOCIAL_FEED_PAGE_SIZE
    is_feed = request.user.is_authenticated

    def read() -> KeysetPage:
        if is_feed:
            return feed_page(request.user, before, size)
        return card_page(request.user, "latest", before, size)

    def content(page: KeysetPage) -> dict:
        """What ``posts/_home_content.html`` shows: the posts, and the compose form to the signed in."""
        context = {"page": page, "is_feed": is_feed, "login_url": resolve_url(settings.LOGIN_URL)}
        if is_feed:
            context |= {"compose_fields": compose_fields(request.user), "empty_text": FEED_EMPTY}
        return context

    if request.GET:  # an older page (or a stray query): read, and rendered with the page
        context = content(read())
    else:
        page, html = timeline_cache.first_page(request, read, "posts/_home_content.html", content)
        context = {"page": page, "is_feed": is_feed, "content_html": html}
    return render(request, "posts/home.html", context)


@require_safe
def explore(request: HttpRequest) -> HttpResponse:
    """Every post the viewer may see, newest first (minus muted people)."""
    page = card_page(request.user, "latest", request.GET.get("before"), settings.SOCIAL_FEED_PAGE_SIZE)
    context = {
        "page": page,
        "trending": list(Tag.objects.trending(request.user)),
        "trending_hours": settings.SOCIAL_TRENDING_HOURS,
    }
    return render(request, "posts/explore.html", context)


def _tag_name(name: str) -> str:
    """The stored form of the tag in the URL; a 404 for what cannot be a tag."""
    normalised = services.tag_name(name)
    if normalised is None:
        raise Http404("This is not a hashtag.")
    return normalised


@require_safe
def tag(request: HttpRequest, name: str) -> HttpResponse:
    """The posts with a tag that the viewer may see, newest first (minus muted people), and the follow button.

    Any tag name has a page, used or not (an empty page says nothing about posts the viewer may not see).
    ``/tags/Django/`` redirects to ``/tags/django/``: one address per tag.
    """
    normalised = _tag_name(name)
    if normalised != name:
        query = request.META.get("QUERY_STRING", "")
        url = reverse("posts:tag", kwargs={"name": normalised})
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    before = request.GET.get("before")
    page = card_page(request.user, "tagged", before, settings.SOCIAL_FEED_PAGE_SIZE, normalised)
    context = {
        "page": page,
        "tag_name": normalised,
        "following": services.follows_tag(request.user, normalised),
    }
    return render(request, "posts/tag.html", context)


@login_required
@require_POST
def tag_follow(request: HttpRequest, name: str) -> HttpResponse:
    """Follow (``action=follow``) or unfollow (``action=unfollow``) a tag.

    In place with htmx (the follow fragment, with the new state); otherwise back to the page.
    """
    normalised = _tag_name(name)
    action = request.POST.get("action")
    if action == "follow":
        _, created = services.follow_tag(request.user, normalised)
        message = f"You now follow #{normalised}: its public posts join your feed."
        if not created:
            message = f"You already follow #{normalised}."
    elif action == "unfollow":
        services.unfollow_tag(request.user, normalised)
        message = f"You no longer follow #{normalised}."
    else:
        return HttpResponse("Unknown action: use follow or unfollow.", status=400, content_type="text/plain")
    return_to = _next_url(request, reverse("posts:tag", kwargs={"name": normalised}))
    context = {
        "tag_name": normalised,
        "following": action == "follow",
        "return_to": return_to,
    }
    return answer(request, "posts/partials/tag_follow.html", context, redirect_to=return_to, message=message)


#: People shown above the posts a search finds (all of them: the "People" tab, ``profiles:search``).
PEOPLE_SHOWN = 3


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Posts whose text matches, and the first few people whose name does (on the first page only)."""
    query = request.GET.get("q", "").strip()[:100]
    posts = _cards(request).search(query)
    before = request.GET.get("before")
    page = keyset_page(posts, before, settings.SOCIAL_FEED_PAGE_SIZE)
    people = []
    if not before:
        found = find_people(request.user, query).select_related("profile").order_by("username")
        people = list(found[: PEOPLE_SHOWN + 1])
    context = {
        "page": page,
        "query": query,
        "people": people[:PEOPLE_SHOWN],
        "more_people": len(people) > PEOPLE_SHOWN,
    }
    return render(request, "posts/search.html", context)


def _card_or_404(request: HttpRequest, pk: int) -> Post:
    """The post as a card for the viewer (``managers.card``), or a 404 if they may not see it."""
    post = managers.card(request.user, pk)
    if post is None:
        raise Http404("No such post.")
    return post


def _detail(request: HttpRequest, post: Post, form: ReplyForm, status: int = 200) -> HttpResponse:
    replies = managers.replies(request.user, post, REPLIES_SHOWN)
    context = {
        "post": post,
        "replies": replies,
        "form": form,
        "replies_shown": REPLIES_SHOWN,
        "login_url": resolve_url(settings.LOGIN_URL),
    }
    return render(request, "posts/post_detail.html", context, status=status)


@require_safe
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _card_or_404(request, pk)
    return _detail(request, post, ReplyForm(author=request.user, reply_to=post))


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    """A new post, with up to four images (a multipart form; each image with its description)."""
    data = request.POST if request.method == "POST" else None
    form = PostForm(data, author=request.user)
    media_form = MediaForm(data, request.FILES if data is not None else None)
    context = {"form": form, "media_form": media_form}
    if data is not None and form.is_valid() and media_form.is_valid():
        try:
            post = services.create_post(request.user, images=media_form.images, **form.cleaned_data)
        except (services.PostError, RateLimited) as error:
            form.add_error(None, str(error))
            status = 429 if isinstance(error, RateLimited) else 400
            return render(request, "posts/post_form.html", context, status=status)
        messages.success(request, "Your post is published.")
        if missing := media_form.missing_alt_text:
            messages.warning(
                request,
                f"{missing} of your images ha{'s' if missing == 1 else 've'} no description: people who use "
                "a screen reader cannot know what it shows. Add a description to every image next time.",
            )
        return redirect(post)
    status = 400 if data is not None else 200
    return render(request, "posts/post_form.html", context, status=status)


@require_safe
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    """What the post said before each edit, newest first: to exactly those who may see the post now (the
    privacy rule; anyone else gets the same 404 as for the post)."""
    post = managers.visible_post(request.user, pk)
    if post is None:
        raise Http404("No such post.")
    context = {"post": post, "edits": post.edits.all()[:EDITS_SHOWN], "edits_shown": EDITS_SHOWN}
    return render(request, "posts/post_history.html", context)


@login_required
@require_POST
def reply_create(request: HttpRequest, pk: int) -> HttpResponse:
    post = _card_or_404(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _detail(request, post, form, status=400)
    try:
        reply = services.create_post(request.user, reply_to=post, **form.cleaned_data)
    except (services.PostError, RateLimited) as error:
        form.add_error(None, str(error))
        return _detail(request, post, form, status=429 if isinstance(error, RateLimited) else 400)
    messages.success(request, "Your reply is published.")
    return redirect(f"{post.get_absolute_url()}#post-{reply.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Authors edit their own posts only: anyone else's post is a 404."""
    post = get_object_or_404(Post, pk=pk, author=request.user)
    form = PostForm(request.POST or None, instance=post)
    if request.method == "POST" and form.is_valid():
        services.edit_post(post, **form.cleaned_data)
        messages.success(request, "Your post was saved.")
        return redirect(post)
    status = 400 if form.is_bound else 200
    return render(request, "posts/post_form.html", {"form": form, "post": post}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("reply_to__author"), pk=pk, author=request.user)
    if request.method == "POST":
        parent = post.reply_to
        services.delete_post(post)
        messages.success(request, "Your post was deleted.")
        return redirect(parent.get_absolute_url() if parent else reverse("posts:home"))
    return render(request, "posts/post_confirm_delete.html", {"post": post})


@login_required
@require_POST
def like_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Like (``action=like``) or unlike (``action=unlike``) a post the viewer may see.

    In place with htmx (the like fragment, with the new state and count); otherwise back to the page.
    """
    post = _card_or_404(request, pk)
    action = request.POST.get("action")
    if action == "like":
        if not services.like(request.user, post) and not request.htmx:
            messages.info(request, "You already like this post.")
    elif action == "unlike":
        services.unlike(request.user, post)
    else:
        return HttpResponse("Unknown action: use like or unlike.", status=400, content_type="text/plain")
    return_to = _next_url(request, post.get_absolute_url())
    context = {"post": _card_or_404(request, post.pk), "return_to": return_to}
    return answer(request, "posts/partials/like.html", context, redirect_to=return_to)


@login_required
@require_POST
def boost_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Boost (``action=boost``) or unboost (``action=unboost``) a post the viewer may see.

    Only public posts can be boosted: any other is refused with a 400 and the reason. In place with htmx
    (the boost fragment, with the new state and count); otherwise back to the page.
    """
    post = _card_or_404(request, pk)
    action = request.POST.get("action")
    if action == "boost":
        try:
            created = services.boost(request.user, post)
        except services.PostError as error:
            return render(request, "400.html", {"reason": str(error)}, status=400)
        if not created and not request.htmx:
            messages.info(request, "You already boosted this post.")
    elif action == "unboost":
        services.unboost(request.user, post)
    else:
        return HttpResponse("Unknown action: use boost or unboost.", status=400, content_type="text/plain")
    return_to = _next_url(request, post.get_absolute_url())
    context = {"post": _card_or_404(request, post.pk), "return_to": return_to}
    return answer(request, "posts/partials/boost.html", context, redirect_to=return_to)


@require_safe
def attachment(request: HttpRequest, pk: int, thumbnail: bool = False) -> HttpResponse:
    """An image of a post (or its thumbnail), for a viewer who may see the post: anyone else gets a 404.

    Through the privacy rule like every page (``Post.objects.visible_to``); the file itself is sent by
    ``media.serve`` (nginx's ``X-Accel-Redirect`` in production, or streamed), private to the viewer.
    """
    item = managers.visible_attachment(request.user, pk)
    if item is None:
        raise Http404("No such image.")
    return media.serve(item, thumbnail=thumbnail)


def _next_url(request: HttpRequest, default: str) -> str:
    """The page the form was on (``next``), if it is a page of this site; else ``default``."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default
