"""The one privacy rule: ``Post.objects.visible_to(viewer)`` decides which posts anyone may see.

Every page, the feed, replies, search, the API and notifications start from it, so the rule is tested
once, exhaustively (``tests/test_privacy.py``), and cannot be forgotten by the next view.

A post is visible to its author always; to anyone else only if its author's account is present (active
and not scheduled for deletion: ``profiles.models.present``), not suspended, the post not hidden by a
moderator (``graph.moderation``), and neither has blocked the other, and then
- a public post of a public account: to everyone, signed in or not;
- any post of someone the viewer follows (a private account's followers were approved);
- a post that mentions the viewer;
and a reply only if every post above it in its thread (``PostAncestor``: the parent, its parent… up to
the root) is visible by the same rule. One ``NOT EXISTS`` checks the whole thread at any depth, inside
the same SQL query, so a page of the feed stays one query.

Hashtags read through it too: a tag's page lists the posts with the tag that the viewer may see; a followed
tag brings only its *public* posts (of public accounts) into the home feed, still under the rule (blocks,
deactivated accounts, hidden threads); and the trending tags count only public posts the viewer may see.

Boosts read through it as well (``boosts_seen_by``): a boost shows in a feed only while its post is one the
viewer may see *and* still public (of a public account), and only if the booster is active and has no
block either way with the viewer or with the post's author. The home feed mixes them in one SQL query
(``feed_entries``): a ``UNION ALL`` of the viewer's feed posts and the boosted posts, each row keyed on
(time, post, boost) for the keyset pagination, a boost at the time of the boost.

What is counted on a post follows the same rule: its reply count counts the replies the viewer may see,
and its like and boost counts the likes and boosts the viewer sees (``likes_seen_by``,
``boosts_seen_by``: none by someone either side of a block with the viewer), each a subquery of the same
SELECT.

Putting the rule together is most of a read's Python time (the ORM resolves every subquery), and the result
depends on nothing but the viewer's id: no value of the moment is in it (a suspension's end is compared
with the time of the read, ``moderation.CurrentTime``). So ``Post.objects`` keeps the querysets it built
(``PostQuerySet._keep``) for the viewers it saw last, and each read filters a copy: ``visible_to``,
``with_cards``, ``feed_for``, ``boosted_for``… called on ``Post.objects`` (or on what such a call returned,
unfiltered) build once per viewer. Anything else (a related manager, a filtered queryset) is built as usual.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..graph import moderation
from ..graph.selectors import followee_ids, muted_ids, unblocked
from ..profiles.models import present
from . import statements
from .statements import Slot

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from .models import Attachment, Post

    Viewer = AbstractBaseUser | AnonymousUser


def _public_and_open(prefix: str = "") -> Q:
    """A public post of a public account (at ``prefix``): the posts anybody may see, signed in or not."""
    from .models import Post

    return Q(**{f"{prefix}visibility": Post.Visibility.PUBLIC, f"{prefix}author__profile__is_private": False})


def _audience(viewer: Viewer, prefix: str = "") -> Q:
    """Whether ``viewer`` may see the post at ``prefix`` ("" for the post, "reply_to__" for its parent)."""
    from .models import Mention

    active = present(f"{prefix}author__")  # a deactivated or leaving account's posts are gone
    active &= moderation.allowed(prefix)  # so are hidden posts and a suspended account's posts
    public_and_open = _public_and_open(prefix)
    if not viewer.is_authenticated:
        return active & public_and_open
    author = f"{prefix}author_id"
    post = OuterRef(prefix.removesuffix("__") if prefix else "pk")
    mentioned = Exists(Mention.objects.filter(post=post, user=viewer.pk))
    followed = Q(**{f"{author}__in": followee_ids(viewer)})
    not_blocked = unblocked(viewer, author)
    return Q(**{author: viewer.pk}) | (active & not_blocked & (public_and_open | followed | mentioned))


def likes_seen_by(viewer: Viewer) -> models.QuerySet:
    """The likes ``viewer`` sees and counts: none by someone either side of a block with the viewer, nor
    by a deactivated account or one scheduled for deletion (gone for everybody, like its posts)."""
    from .models import Like

    return Like.objects.filter(unblocked(viewer, "user_id"), present("user__"))


def boosts_seen_by(viewer: Viewer) -> models.QuerySet:
    """The boosts ``viewer`` sees and counts: none by someone either side of a block with the viewer, nor
    by a deactivated account, nor by someone either side of a block with the post's author (a boost made
    before the block stops showing). (Which *posts* a boost may bring is ``PostQuerySet.boosted_for``'s.)"""
    from ..graph.models import Block
    from .models import Boost

    booster, author = OuterRef("user_id"), OuterRef("post__author_id")
    with_the_author = Block.objects.filter(
        Q(blocker=booster, blocked=author) | Q(blocker=author, blocked=booster)
    )
    return Boost.objects.filter(unblocked(viewer, "user_id"), present("user__")).exclude(
        Exists(with_the_author)
    )


#: The order of the home feed's entries, newest first: the time (of the post, or of the boost), then the
#: post and the boost (0 for the post itself) so that entries at the same instant keep one order.
FEED_ORDER = ("-feed_at", "-pk", "-boost_pk")


def _feed_sources(viewer: AbstractBaseUser) -> Q:
    """The posts a home feed brings of their own: the viewer's, those of people they follow, and the public
    posts (of public accounts) with a tag they follow."""
    from .models import PostTag, TagFollow

    followed_tags = TagFollow.objects.filter(user=viewer.pk).values("tag_id")
    tagged = Exists(PostTag.objects.filter(post=OuterRef("pk"), tag__in=followed_tags))
    return Q(author_id=viewer.pk) | Q(author_id__in=followee_ids(viewer)) | (_public_and_open() & tagged)


#: How many built querysets (a viewer's rule, cards, feed…) each process keeps, the least recently used
#: dropped first: about 140 KB each, and a signed-in reader of the home feed uses seven (so 128 is about
#: 18 MB per process, for the last 18 or so readers).
KEPT_QUERYSETS = 128
_kept: OrderedDict[tuple, PostQuerySet] = OrderedDict()
_kept_lock = threading.Lock()


def _who(viewer: Viewer | None) -> int | str | None:
    """What a built queryset depends on of its viewer: the id (None: signed out, or no viewer; "anyone": the
    stand-in reader of a statement, whose id is given at each read)."""
    if isinstance(viewer, statements.Anyone):
        return "anyone"
    return viewer.pk if viewer is not None and viewer.is_authenticated else None


#: A card's related rows read in one more query for its page (``with_cards``), each with the annotation that
#: says whether a post has any: only the posts that do are read, and a page where none does skips the query.
CARD_PREFETCHES = {"attachments": "has_images", "mention_rows": "has_mentions"}


def _prefetch_cards(posts: list, lookups: tuple) -> None:
    """Django's ``prefetch_related_objects`` for ``posts``, except that a card's images and mentions
    (``CARD_PREFETCHES``) are read only for the posts whose annotation says they have some; the others get
    them as empty, with no query."""
    plain = []
    for lookup in lookups:
        name = lookup.prefetch_to if isinstance(lookup, Prefetch) else lookup
        flag = CARD_PREFETCHES.get(name)
        if flag is None or not posts or not hasattr(posts[0], flag):
            plain.append(lookup)
            continue
        having, model = [], type(posts[0])._meta.get_field(name).related_model
        for post in posts:
            if getattr(post, flag):
                having.append(post)
                continue
            empty = model._default_manager.none()
            empty._result_cache, empty._prefetch_done = [], True
            post.__dict__.setdefault("_prefetched_objects_cache", {})[name] = empty
        if having:
            prefetch_related_objects(having, lookup)
    if plain:
        prefetch_related_objects(posts, *plain)


class PostQuerySet(models.QuerySet):
    #: ``(key, query)`` on a queryset that is exactly what ``key`` names, unchanged since (``PostManager``'s
    #: own queryset, or one ``_keep`` returned); every other copy (``filter``, ``order_by``…) has None.
    _recipe: tuple | None = None

    def _keep(self, step: str, viewer: Viewer | None, build: Callable[[], PostQuerySet]) -> PostQuerySet:
        """``build()`` (this queryset's ``step`` for ``viewer``), kept for the next call on the same recipe
        (see the module's docstring); a copy, never the kept queryset itself (it is never evaluated)."""
        recipe = self._recipe
        if recipe is None or recipe[1] is not self._query or self._deferred_filter is not None:
            return build()
        key = (*recipe[0], step, _who(viewer))
        with _kept_lock:
            kept = _kept.get(key)
            if kept is not None:
                _kept.move_to_end(key)
        if kept is None:
            kept = build()
            with _kept_lock:
                _kept[key] = kept
                while len(_kept) > KEPT_QUERYSETS:
                    _kept.popitem(last=False)
        queryset = kept._chain()
        queryset._recipe = (key, queryset._query)
        return queryset

    def visible_to(self, viewer: Viewer) -> PostQuerySet:
        """Posts ``viewer`` may see (see the module's docstring): replies below an invisible post are out."""
        return self._keep("visible_to", viewer, lambda: self._visible_to(viewer))

    def _prefetch_related_objects(self) -> None:
        _prefetch_cards(self._result_cache, self._prefetch_related_lookups)
        self._prefetch_done = True

    def _visible_to(self, viewer: Viewer) -> PostQuerySet:
        from .models import PostAncestor

        hidden_above = PostAncestor.objects.filter(post=OuterRef("pk")).exclude(
            _audience(viewer, "ancestor__")
        )
        return self.filter(_audience(viewer)).exclude(Exists(hidden_above))

    def feed_for(self, viewer: AbstractBaseUser) -> PostQuerySet:
        """The home feed: the viewer's own posts, those of people they follow and the public posts with a tag
        they follow, minus muted people. Still one query: the followed tags are an ``EXISTS`` subquery."""
        return self._keep("feed_for", viewer, lambda: self._feed_for(viewer))

    def _feed_for(self, viewer: AbstractBaseUser) -> PostQuerySet:
        return self.visible_to(viewer).filter(_feed_sources(viewer)).exclude(author_id__in=muted_ids(viewer))

    def boostable(self) -> PostQuerySet:
        """Posts that may be boosted and whose boosts show: public posts of public accounts (Mastodon's
        rule; ``services.boost`` checks it with ``visible_to`` for the booster, the feed for the reader)."""
        return self.filter(_public_and_open())

    def as_own_entries(self) -> PostQuerySet:
        """Posts as feed entries of their own: at their own time, boosted by nobody (see ``boosted_for``)."""
        return self._keep("as_own_entries", None, self._as_own_entries)

    def _as_own_entries(self) -> PostQuerySet:
        return self.annotate(
            feed_at=F("created_at"),
            boost_pk=Value(0, output_field=BigIntegerField()),
            boosted_by_username=Value(None, output_field=CharField()),
            boosted_by_name=Value(None, output_field=CharField()),
        )

    def boosted_for(self, viewer: AbstractBaseUser) -> PostQuerySet:
        """The boosts in ``viewer``'s home feed: boosts by the viewer and the people they follow (not muted,
        see ``boosts_seen_by``) of posts the viewer may see that are still public posts of public accounts.

        Like Mastodon, a post shows once: a post the feed brings of its own (``feed_for``) is not repeated
        for its boosts, and of several boosts of one post only the newest shows. Each row is the boosted
        post with ``feed_at`` (the time of that boost), ``boost_pk`` and who boosted it.
        """
        return self._keep("boosted_for", viewer, lambda: self._boosted_for(viewer))

    def _boosted_for(self, viewer: AbstractBaseUser) -> PostQuerySet:
        boosters = Q(user=viewer.pk) | Q(user__in=followee_ids(viewer))
        seen = boosts_seen_by(viewer).filter(boosters).exclude(user__in=muted_ids(viewer))
        # The newest of them: no newer one of the same post (a NOT EXISTS: an anti-join, not a sort per row).
        at = OuterRef("created_at")
        newer = seen.filter(post=OuterRef("post")).filter(
            Q(created_at__gt=at) | Q(created_at=at, pk__gt=OuterRef("pk"))
        )
        return (
            self.visible_to(viewer)
            .boostable()
            .exclude(_feed_sources(viewer))
            .exclude(author_id__in=muted_ids(viewer))
            .filter(boosts__in=seen.exclude(Exists(newer)).values("pk"))
            .annotate(
                feed_at=F("boosts__created_at"),
                boost_pk=F("boosts__pk"),
                boosted_by_username=F("boosts__user__username"),
                boosted_by_name=F("boosts__user__name"),
            )
        )

    def tagged(self, name: str) -> PostQuerySet:
        """Posts with the tag ``name`` (a normalised name, see ``services.tag_name``)."""
        return self.filter(tag_rows__tag__name=name)

    def search(self, query: str) -> PostQuerySet:
        """Case-insensitive search in the text and the content warning; the ORM parameterises the query."""
        query = query.strip()
        if not query:
            return self.none()
        return self.filter(Q(body__icontains=query) | Q(content_warning__icontains=query))

    def with_cards(self, viewer: Viewer) -> PostQuerySet:
        """Everything a post card shows: author, parent, counts and "liked by me" in one query, and the
        images (``attachments``, in order) and the mentions in one more each for the whole page, however
        many posts it has; none for a page whose posts have no image, or no mention (``has_images``,
        ``has_mentions``: ``CARD_PREFETCHES``)."""
        return self._keep("with_cards", viewer, lambda: self._with_cards(viewer))

    def _with_cards(self, viewer: Viewer) -> PostQuerySet:
        from .models import Attachment, Boost, Like, Mention, Post

        # Counted as the viewer sees them: a like by someone blocked either way is not there for them.
        likes = likes_seen_by(viewer).filter(post=OuterRef("pk")).values("post").annotate(n=Count("*"))
        # Replies the viewer may see: the card's post is visible, so each reply's own audience decides.
        replies = (
            Post.objects.filter(reply_to=OuterRef("pk"))
            .filter(_audience(viewer))
            .values("reply_to")
            .annotate(n=Count("*"))
            .values("n")
        )
        boosts = boosts_seen_by(viewer).filter(post=OuterRef("pk")).values("post").annotate(n=Count("*"))
        queryset = (
            self.select_related("author__profile", "reply_to__author")
            .prefetch_related(
                "attachments", Prefetch("mention_rows", queryset=Mention.objects.select_related("user"))
            )
            .annotate(
                like_count=Coalesce(Subquery(likes.values("n")), Value(0)),
                reply_count=Coalesce(Subquery(replies), Value(0)),
                boost_count=Coalesce(Subquery(boosts.values("n")), Value(0)),
                has_images=Exists(Attachment.objects.filter(post=OuterRef("pk"))),
                has_mentions=Exists(Mention.objects.filter(post=OuterRef("pk"))),
            )
        )
        if viewer.is_authenticated:
            return queryset.annotate(
                liked=Exists(Like.objects.filter(post=OuterRef("pk"), user=viewer.pk)),
                boosted=Exists(Boost.objects.filter(post=OuterRef("pk"), user=viewer.pk)),
            )
        return queryset.annotate(liked=Value(False), boosted=Value(False))


class PostManager(models.Manager.from_queryset(PostQuerySet)):
    def get_queryset(self) -> PostQuerySet:
        """All posts, marked as the start of the recipes ``PostQuerySet._keep`` keeps (by database)."""
        queryset = super().get_queryset()
        queryset._recipe = ((self._db,), queryset._query)
        return queryset


def feed_entries(viewer: AbstractBaseUser, after: tuple | None, size: int) -> list:
    """One page of ``viewer``'s home feed: their feed posts (``feed_for``) and the boosts in it
    (``boosted_for``), newest first by ``FEED_ORDER``, each a post card (``with_cards``) with ``feed_at``,
    ``boost_pk`` and ``boosted_by_*``. At most ``size`` entries older than the cursor ``after`` (a
    ``(feed_at, pk, boost_pk)`` tuple, see ``pagination.feed_page``).

    One SQL query: ``UNION ALL`` of both parts, each filtered by the cursor and cut at ``size`` in order
    (SQLite: through a subquery of the part's keys), so neither part is read further than one page and the
    cards' counts are computed for that page only. The posts are walked newest first through
    ``posts_post_created_idx``: the first page costs the same with a hundred posts or a million.
    Compiled once per process for every reader (``statements``), first pages and later pages apart.
    """
    from .models import Post

    values = statements.values_for(viewer)
    if after is not None:
        values.update(zip(("at", "pk", "boost_pk"), after, strict=True))
    statement = statements.kept(
        Post, ("feed_entries", size, after is not None), lambda: _feed_entries(size, after is not None)
    )
    return statement.rows(**values)


def _feed_entries(size: int, cursor: bool) -> models.QuerySet:
    """``feed_entries``' query for any signed-in reader, the cursor's values given at each read."""
    from .models import Post

    viewer = statements.ANYONE
    own = Post.objects.feed_for(viewer).as_own_entries()
    boosted = Post.objects.boosted_for(viewer)
    if cursor:
        at, pk, boost_pk = Slot("at", DateTimeField()), Slot("pk"), Slot("boost_pk")
        older = Q(feed_at__lt=at) | Q(feed_at=at, pk__lt=pk) | Q(feed_at=at, pk=pk, boost_pk__lt=boost_pk)
        own, boosted = own.filter(older), boosted.filter(older)
    if connection.features.supports_slicing_ordering_in_compound:
        own = own.with_cards(viewer).order_by(*FEED_ORDER)[:size]
        boosted = boosted.with_cards(viewer).order_by(*FEED_ORDER)[:size]
    else:  # SQLite: no ORDER BY or LIMIT inside a UNION, so each part is cut to its page's keys first
        first_posts = own.order_by(*FEED_ORDER).values("pk")[:size]
        first_boosts = boosted.order_by(*FEED_ORDER).values("boost_pk")[:size]
        own = Post.objects.filter(pk__in=first_posts).as_own_entries().with_cards(viewer).order_by()
        boosted = Post.objects.boosted_for(viewer).filter(boost_pk__in=first_boosts)
        boosted = boosted.with_cards(viewer).order_by()
    return own.union(boosted, all=True).order_by(*FEED_ORDER)[:size]


def _one_visible(viewer: Viewer, pk: int, model: type, name: str, rows_for: Callable) -> Any:
    """The row ``pk`` of ``rows_for(reader)`` (what ``viewer`` may see), or None. Compiled once per process
    (``statements``), under ``name``."""
    if not 0 < pk < 2**63:  # no row has such an id (and the database could not compare with it)
        return None
    reader = statements.reader(viewer)
    statement = statements.kept(
        model, (name, _who(reader)), lambda: rows_for(reader).filter(pk=Slot("pk")).order_by()[:1]
    )
    rows = statement.rows(**statements.values_for(viewer, pk=pk))
    return rows[0] if rows else None


def card(viewer: Viewer, pk: int) -> Post | None:
    """The post ``pk`` as a card (``with_cards``) for ``viewer``, or None if they may not see it (or there is
    no such post)."""
    from .models import Post

    return _one_visible(
        viewer, pk, Post, "card", lambda reader: Post.objects.visible_to(reader).with_cards(reader)
    )


def visible_post(viewer: Viewer, pk: int) -> Post | None:
    """The post ``pk`` (with its author) if ``viewer`` may see it, else None (the edit history's)."""
    from .models import Post

    return _one_visible(
        viewer,
        pk,
        Post,
        "visible post",
        lambda reader: Post.objects.visible_to(reader).select_related("author"),
    )


def may_see(viewer: Viewer, pk: int) -> bool:
    """Whether ``viewer`` may see the post ``pk`` now (the services' check before a reply, a like or a
    notification). Compiled once per process (``statements``)."""
    from .models import Post

    return (
        _one_visible(viewer, pk, Post, "may see", lambda reader: Post.objects.visible_to(reader).only("pk"))
        is not None
    )


def may_boost(viewer: Viewer, pk: int) -> bool:
    """Whether ``viewer`` may see the post ``pk`` and it may be boosted (a public post of a public account).
    Compiled once per process (``statements``)."""
    from .models import Post

    return (
        _one_visible(
            viewer,
            pk,
            Post,
            "may boost",
            lambda reader: Post.objects.visible_to(reader).boostable().only("pk"),
        )
        is not None
    )


def visible_attachment(viewer: Viewer, pk: int) -> Attachment | None:
    """The image ``pk`` if ``viewer`` may see its post, else None (``views.attachment``'s)."""
    from .models import Attachment, Post

    return _one_visible(
        viewer,
        pk,
        Attachment,
        "visible attachment",
        lambda reader: Attachment.objects.filter(post__in=Post.objects.visible_to(reader).values("pk")),
    )


def replies(viewer: Viewer, post: Post, size: int) -> list[Post]:
    """The first ``size`` replies to ``post`` that ``viewer`` may see, oldest first, as cards. Compiled once
    per process (``statements``)."""
    from .models import Post

    reader = statements.reader(viewer)
    statement = statements.kept(
        Post,
        ("replies", _who(reader), size),
        lambda: (
            Post.objects.visible_to(reader)
            .with_cards(reader)
            .filter(reply_to=Slot("post"))
            .order_by("pk")[:size]
        ),
    )
    return statement.rows(**statements.values_for(viewer, post=post.pk))


#: The lists of cards ``card_page`` reads, and the value each one is given.
CARD_LISTS = {"latest": None, "tagged": "tag", "by": "author"}


def card_page(viewer: Viewer, kind: str, before: int | None, size: int, value: object = None) -> list[Post]:
    """Up to ``size`` cards ``viewer`` may see, newest first, older than the post ``before`` (if given): every
    post (``latest``: the signed-out home page and Explore), the posts with the tag ``value`` (``tagged``), or
    those by the person whose id is ``value`` (``by``: a profile page). Muted people's posts are left out
    of ``latest`` and ``tagged``. Compiled once per process for each kind (``statements``)."""
    from .models import Post

    if before is not None and not 0 < before < 2**63:
        return []
    reader = statements.reader(viewer)
    slot = CARD_LISTS[kind]

    def build() -> PostQuerySet:
        cards = Post.objects.visible_to(reader).with_cards(reader)
        if kind == "tagged":
            cards = cards.tagged(Slot("tag", CharField()))
        elif kind == "by":
            cards = cards.filter(author=Slot("author"))
        if kind != "by" and reader.is_authenticated:
            cards = cards.exclude(author__muted_by__muter=reader.pk)
        if before is not None:
            cards = cards.filter(pk__lt=Slot("before"))
        return cards.order_by("-pk")[:size]

    statement = statements.kept(Post, ("cards", kind, _who(reader), before is not None, size), build)
    values = {"before": before} if slot is None else {"before": before, slot: value}
    return statement.rows(**statements.values_for(viewer, **values))


#: How many of the newest posts in the window the trending list counts, so its cost is bounded.
TRENDING_SAMPLE = 1000


class TagQuerySet(models.QuerySet):
    def trending(self, viewer: Viewer, *, hours: int | None = None, size: int | None = None) -> TagQuerySet:
        """The tags of the most public posts ``viewer`` may see from the last ``hours``
        (``SOCIAL_TRENDING_HOURS``), most used first, at most ``size`` (``SOCIAL_TRENDING_SIZE``); each
        with ``uses``, its number of such posts among the newest ``TRENDING_SAMPLE``. One aggregate query,
        bounded by the sample and the size."""
        from .models import Post

        hours = settings.SOCIAL_TRENDING_HOURS if hours is None else hours
        size = settings.SOCIAL_TRENDING_SIZE if size is None else size
        since = timezone.now() - timedelta(hours=hours)
        posts = Post.objects.visible_to(viewer).filter(_public_and_open(), created_at__gte=since)
        # The newest TRENDING_SAMPLE of them, read newest first: a bounded set the database plans on its
        # own (as a plain IN, PostgreSQL may join it into the tags with the privacy rule inside the loop).
        sample = posts.order_by("-pk").values("pk")[:TRENDING_SAMPLE]
        return (
            self.filter(post_rows__post__in=sample)
            .annotate(uses=Count("post_rows"))
            .order_by("-uses", "name")[:size]
        )
