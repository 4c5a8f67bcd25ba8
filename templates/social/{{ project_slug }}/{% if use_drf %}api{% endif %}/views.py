"""API views. Reads start from ``Post.objects.visible_to(request.user)``; changes go through the services,
so the API follows exactly the rules of the HTML pages (privacy, blocks, rate limits, notifications)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, Throttled, ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.permissions import BasePermission, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..core.api.schema import ErrorSerializer
from ..graph import services as graph
from ..graph.models import FollowRequest, ModerationAction, Report
from ..graph.selectors import find_people, people_visible_to
from ..notifications import preferences
from ..notifications import services as notifications
from ..notifications.models import Notification
from ..posts import services as posts
from ..posts.limits import RateLimited
from ..posts.models import EDITS_SHOWN, Post, Tag, TagFollow
from ..posts.pagination import parse_id
from .pagination import (
    FeedCursorPagination,
    NewestFirstCursorPagination,
    OldestFirstCursorPagination,
    UsernameCursorPagination,
)
from .serializers import (
    DecisionSerializer,
    FeedEntrySerializer,
    FollowedTagSerializer,
    FollowResultSerializer,
    ModerationActionSerializer,
    NotificationPreferenceSerializer,
    NotificationSerializer,
    OpenReportSerializer,
    PendingFollowSerializer,
    PersonSerializer,
    PostEditSerializer,
    PostJsonSerializer,
    PostSerializer,
    PostUpdateSerializer,
    ReportSerializer,
    TagFollowSerializer,
    TrendingTagSerializer,
    UnreadCountSerializer,
    UsernameSerializer,
)

#: The longest people search query looked for (longer ones are cut), as on the search page.
MAX_QUERY_LENGTH = 100

LikeSerializer = inline_serializer(
    "Like", {"liked": serializers.BooleanField(), "like_count": serializers.IntegerField()}
)
BoostResultSerializer = inline_serializer(
    "BoostResult", {"boosted": serializers.BooleanField(), "boost_count": serializers.IntegerField()}
)


def _throttled(error: RateLimited) -> Throttled:
    return Throttled(wait=error.retry_after, detail=str(error))


def _people(request: Request) -> QuerySet:
    """Active people the requester may see (someone who blocked them is not among them)."""
    return people_visible_to(request.user).select_related("profile")


def _person(request: Request, username: str):
    """The person named in the URL: a 404 when there is none the requester may see."""
    return get_object_or_404(_people(request), username=username)


class FeedView(generics.ListAPIView):
    """The signed-in person's home feed: own and followed people's posts, minus muted and blocked, and the
    public posts they boosted, each at the time of its boost (``boost`` says who)."""

    serializer_class = FeedEntrySerializer
    permission_classes = [IsAuthenticated]
    pagination_class = FeedCursorPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Post]:
        # Only names the model: the entries are read by the pagination (``FeedCursorPagination``: the feed's
        # one UNION query, or the person's cached first page), so nothing is built here for every request.
        return Post.objects.none()


@extend_schema(parameters=[OpenApiParameter("author", str, description="Only posts by this username")])
class PostViewSet(viewsets.ModelViewSet):
    """Posts the requester may see; only the author may edit or delete theirs."""

    queryset = Post.objects.none()  # for the schema; get_queryset applies the privacy rule
    serializer_class = PostSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = NewestFirstCursorPagination
    filter_backends = [SearchFilter]
    search_fields = ["body", "content_warning"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Post]:
        user = self.request.user
        if self.action in {"partial_update", "destroy"}:
            # Someone else's post is a 404 here: it is not among "your posts".
            return Post.objects.filter(author=user.pk).with_cards(user)
        queryset = Post.objects.visible_to(user).with_cards(user)
        author = self.request.query_params.get("author")
        if author:
            queryset = queryset.filter(author__username=author)
        return queryset

    def get_serializer_class(self):
        return PostUpdateSerializer if self.action == "partial_update" else PostSerializer

    def _card(self, post: Post) -> dict:
        card = Post.objects.with_cards(self.request.user).get(pk=post.pk)
        return PostSerializer(card, context=self.get_serializer_context()).data

    @extend_schema(
        request={"application/json": PostJsonSerializer, "multipart/form-data": PostSerializer},
        responses={201: PostSerializer},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        """A new post. With images (up to four, each with its description in ``alt_texts``), send it as
        multipart/form-data; a refused image is a 400 naming the image and the reason."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            post = posts.create_post(
                request.user,
                body=data["body"],
                visibility=data.get("visibility", Post.Visibility.PUBLIC),
                reply_to=data.get("reply_to_id"),  # the Post itself, see PostSerializer.validate_in_reply_to
                content_warning=data.get("content_warning", ""),
                images=data.get("prepared_images", []),
            )
        except posts.PostError as error:
            raise ValidationError({"body": [str(error)]}) from error
        except RateLimited as error:
            raise _throttled(error) from error
        return Response(self._card(post), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        post = self.get_object()
        serializer = self.get_serializer(post, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            posts.edit_post(
                post,
                body=data.get("body", post.body),
                visibility=data.get("visibility", post.visibility),
                content_warning=data.get("content_warning"),  # None: left as it is
            )
        except posts.PostError as error:
            raise ValidationError({"body": [str(error)]}) from error
        return Response(self._card(post))

    def perform_destroy(self, instance: Post) -> None:
        posts.delete_post(instance)

    @extend_schema(responses=PostSerializer(many=True))
    @action(detail=True, methods=["get"])
    def replies(self, request: Request, pk: str | None = None) -> Response:
        """Replies to a post, newest first; hidden with the post when the requester may not see it."""
        post = self.get_object()
        replies = self.filter_queryset(
            Post.objects.visible_to(request.user).with_cards(request.user).filter(reply_to=post)
        )
        page = self.paginate_queryset(replies)
        return self.get_paginated_response(
            PostSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(responses=PostEditSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        """What the post said before each edit, newest first (the latest 50); hidden with the post."""
        post = self.get_object()
        edits = post.edits.all()[:EDITS_SHOWN]
        return Response(PostEditSerializer(edits, many=True).data)

    @extend_schema(request=None, responses={200: LikeSerializer, 201: LikeSerializer})
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def like(self, request: Request, pk: str | None = None) -> Response:
        """POST likes the post (once: a second like changes nothing), DELETE takes the like back."""
        post = self.get_object()
        if request.method == "POST":
            created = posts.like(request.user, post)
            code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        else:
            posts.unlike(request.user, post)
            code = status.HTTP_200_OK
        card = Post.objects.with_cards(request.user).get(pk=post.pk)  # counted as the requester sees it
        return Response({"liked": card.liked, "like_count": card.like_count}, status=code)

    @extend_schema(request=None, responses={200: BoostResultSerializer, 201: BoostResultSerializer})
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def boost(self, request: Request, pk: str | None = None) -> Response:
        """POST boosts the post into the requester's followers' feeds (public posts only: any other is a 400
        with the reason; once: a second boost changes nothing), DELETE takes the boost back."""
        post = self.get_object()
        if request.method == "POST":
            try:
                created = posts.boost(request.user, post)
            except posts.PostError as error:
                raise ValidationError({"boost": [str(error)]}) from error
            code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        else:
            posts.unboost(request.user, post)
            code = status.HTTP_200_OK
        card = Post.objects.with_cards(request.user).get(pk=post.pk)  # counted as the requester sees it
        return Response({"boosted": card.boosted, "boost_count": card.boost_count}, status=code)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q", str, description="Part of a username or display name (case-insensitive); blank finds nobody"
        )
    ]
)
class PeopleSearchView(generics.ListAPIView):
    """People by username or display name, A to Z: active accounts, nobody either side of a block with the
    requester (the same rule as the search page, ``graph.selectors.find_people``)."""

    serializer_class = PersonSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = UsernameCursorPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        query = self.request.query_params.get("q", "")[:MAX_QUERY_LENGTH]
        return find_people(self.request.user, query).select_related("profile")


def _tag_name(name: str) -> str:
    """The stored form of the tag in the URL (``Django`` is ``django``); a 404 for what cannot be a tag."""
    normalised = posts.tag_name(name)
    if normalised is None:
        raise Http404("This is not a hashtag.")
    return normalised


class TagPostsView(generics.ListAPIView):
    """Posts with a tag that the requester may see (the privacy rule), newest first, minus muted people."""

    queryset = Post.objects.none()  # for the schema; get_queryset applies the privacy rule
    serializer_class = PostSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = NewestFirstCursorPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Post]:
        user = self.request.user
        queryset = Post.objects.visible_to(user).with_cards(user).tagged(_tag_name(self.kwargs["name"]))
        if user.is_authenticated:
            queryset = queryset.exclude(author__muted_by__muter=user)
        return queryset


class TagFollowView(APIView):
    """POST follows the tag (its public posts join the requester's feed), DELETE stops following it."""

    permission_classes = [IsAuthenticated]
    serializer_class = TagFollowSerializer

    @extend_schema(request=None, responses={200: TagFollowSerializer, 201: TagFollowSerializer})
    def post(self, request: Request, name: str) -> Response:
        tag, created = posts.follow_tag(request.user, _tag_name(name))
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response({"name": tag.name, "following": True}, status=code)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, name: str) -> Response:
        posts.unfollow_tag(request.user, _tag_name(name))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowedTagsView(generics.ListAPIView):
    """The tags the requester follows, the latest followed first (follow or stop with
    ``/api/v1/tags/<name>/follow/``)."""

    queryset = TagFollow.objects.none()  # for the schema; get_queryset scopes to the requester
    serializer_class = FollowedTagSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = NewestFirstCursorPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[TagFollow]:
        return TagFollow.objects.filter(user=self.request.user).select_related("tag")


class TrendingTagsView(generics.ListAPIView):
    """The tags of the most public posts the requester may see from the last ``SOCIAL_TRENDING_HOURS``
    hours, most used first (at most ``SOCIAL_TRENDING_SIZE``; not paginated)."""

    queryset = Tag.objects.none()  # for the schema; get_queryset applies the privacy rule
    serializer_class = TrendingTagSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Tag]:
        return Tag.objects.trending(self.request.user)


class PeopleViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """What follows, blocks and their lists share: a username in, people out."""

    serializer_class = PersonSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = NewestFirstCursorPagination
    filter_backends: list = []
    lookup_field = "username"
    lookup_value_regex = r"[^/]+"

    def _named_person(self, request: Request):
        """The person named in the body: a 400 when there is none the requester may see."""
        serializer = UsernameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = _people(request).filter(username=serializer.validated_data["username"]).first()
        if person is None:
            raise ValidationError({"username": ["No such person."]})
        return person


class FollowViewSet(PeopleViewSet):
    """People the requester follows; POST a username to follow (or ask to), DELETE to unfollow."""

    def get_queryset(self):
        return (
            get_user_model().objects.filter(followers__follower=self.request.user).select_related("profile")
        )

    @extend_schema(request=UsernameSerializer, responses={201: FollowResultSerializer})
    def create(self, request: Request) -> Response:
        person = self._named_person(request)
        try:
            result = graph.follow(request.user, person)
        except graph.GraphError as error:
            raise ValidationError({"username": [str(error)]}) from error
        except RateLimited as error:
            raise _throttled(error) from error
        return Response({"status": result}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, username: str) -> Response:
        graph.unfollow(request.user, _person(request, username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowerViewSet(PeopleViewSet):
    """People who follow the requester; DELETE removes one (not told; they may follow or ask again)."""

    def get_queryset(self):
        followers = get_user_model().objects.filter(following__followee=self.request.user)
        return followers.select_related("profile")

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, username: str) -> Response:
        graph.remove_follower(request.user, _person(request, username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PersonListViewSet(PeopleViewSet):
    """A list the requester keeps of people (blocked, muted): POST a username to add, DELETE to remove."""

    #: The lookup from a person to the requester, e.g. ``blocked_by__blocker``.
    relation: str
    #: ``graph.services`` functions taking (requester, person).
    add: Callable
    remove: Callable

    def get_queryset(self):
        people = get_user_model().objects.filter(**{self.relation: self.request.user})
        return people.select_related("profile")

    @extend_schema(request=UsernameSerializer, responses={201: PersonSerializer})
    def create(self, request: Request) -> Response:
        person = self._named_person(request)
        try:
            type(self).add(request.user, person)
        except graph.GraphError as error:
            raise ValidationError({"username": [str(error)]}) from error
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, username: str) -> Response:
        type(self).remove(request.user, _person(request, username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockViewSet(PersonListViewSet):
    """People the requester blocks: neither sees the other any more, and follows end both ways."""

    relation = "blocked_by__blocker"
    add, remove = graph.block, graph.unblock


class MuteViewSet(PersonListViewSet):
    """People the requester mutes: their posts leave the requester's feed (nothing else changes)."""

    relation = "muted_by__muter"
    add, remove = graph.mute, graph.unmute


class FollowRequestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Requests to follow the requester (a private account); accept or decline each."""

    queryset = FollowRequest.objects.none()  # for the schema; get_queryset scopes to the requester
    serializer_class = PendingFollowSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = NewestFirstCursorPagination
    filter_backends: list = []

    def get_queryset(self):
        return FollowRequest.objects.filter(target=self.request.user).select_related("requester__profile")

    def _answer(self, accept: bool) -> Response:
        graph.answer_request(self.request.user, self.get_object(), accept=accept)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(True)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(False)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The requester's notifications (only about posts they may still see), newest activity first."""

    queryset = Notification.objects.none()  # for the schema; get_queryset scopes to the requester
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return (
            Notification.objects.for_recipient(self.request.user)
            .select_related("last_actor__profile")
            .order_by("-updated_at", "-pk")
        )

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        notifications.mark_read(request.user, notification.pk)
        notification.is_read = True
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: UnreadCountSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        notifications.mark_read(request.user)
        return Response({"unread": 0})

    @extend_schema(responses={200: UnreadCountSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": notifications.unread_count(request.user)})


class NotificationPreferencesView(APIView):
    """The requester's notification choices, one per kind (in the app, by email); PATCH changes some."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationPreferenceSerializer

    def _choices(self, request: Request) -> Response:
        choices = preferences.choices_of(request.user)
        return Response(NotificationPreferenceSerializer(choices, many=True).data)

    @extend_schema(responses={200: NotificationPreferenceSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self._choices(request)

    @extend_schema(
        request=NotificationPreferenceSerializer(many=True),
        responses={200: NotificationPreferenceSerializer(many=True)},
    )
    def patch(self, request: Request) -> Response:
        serializer = NotificationPreferenceSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        changes: dict[str, dict] = {}
        for item in serializer.validated_data:
            channels = {key: value for key, value in item.items() if key in ("in_app", "email")}
            changes.setdefault(item["kind"], {}).update(channels)
        preferences.save(request.user, changes)
        return self._choices(request)


class ReportViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The requester's reports to the staff, newest first, each with what the staff decided; POST reports a
    person (``username``) or one of their posts (``post`` too), as the report form does."""

    queryset = Report.objects.none()  # for the schema; get_queryset scopes to the requester
    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = NewestFirstCursorPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Report]:
        return Report.objects.filter(reporter=self.request.user).select_related(
            "reported_user__profile", "decision"
        )

    @extend_schema(responses={200: ReportSerializer, 201: ReportSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        person = _people(request).filter(username=data["username"]).first()
        if person is None:
            raise ValidationError({"username": ["No such person."]})
        post = None
        if post_id := data.get("post_id"):
            # Only a post the requester may see, by this person: any other id is "does not exist".
            post = Post.objects.visible_to(request.user).filter(pk=post_id, author=person).first()
            if post is None:
                raise ValidationError({"post": [f'Invalid pk "{post_id}" - object does not exist.']})
        waiting = Report.objects.filter(reporter=request.user, resolved_at__isnull=True)
        waiting = set(waiting.values_list("pk", flat=True))  # a report of the same thing answers as it is
        try:
            report = graph.report(
                request.user, person, post=post, reason=data["reason"], note=data.get("note", "")
            )
        except graph.GraphError as error:
            raise ValidationError({"username": [str(error)]}) from error
        code = status.HTTP_200_OK if report.pk in waiting else status.HTTP_201_CREATED
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data, status=code)


class IsStaff(BasePermission):
    """Moderation is for staff: anyone else is refused (403) with the reason."""

    message = "The moderation queue is for staff."

    def has_permission(self, request: Request, view) -> bool:
        return bool(request.user and request.user.is_active and request.user.is_staff)


class ReportDecided(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Another moderator has handled this report already."
    default_code = "decided"


class ModerationReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The moderation queue, for staff: open reports, oldest first, each with the reported post (and what it
    replies to) or person in context; POST a decision on one (``graph.services.decide``, as the queue's
    page): hide the post, suspend the person (for some days, or permanently) or dismiss, with a reason.
    Each decision is recorded with who and why, and the reporters are told the outcome."""

    queryset = Report.objects.none()  # for the schema; get_queryset keeps the open ones
    serializer_class = OpenReportSerializer
    permission_classes = [IsAuthenticated, IsStaff]
    pagination_class = OldestFirstCursorPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Report]:
        return (
            Report.objects.filter(resolved_at__isnull=True)
            .select_related("reporter__profile", "reported_user__profile", "post__reply_to__author__profile")
            .prefetch_related("post__attachments")
            .annotate(
                open_about_person=Count(
                    "reported_user__reports_received",
                    filter=Q(reported_user__reports_received__resolved_at__isnull=True),
                )
            )
        )

    @extend_schema(
        request=DecisionSerializer,
        responses={201: ModerationActionSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        """Decide on an open report (a report decided already, by anyone, is a 409: nothing changes)."""
        report_id = parse_id(pk)
        report = Report.objects.filter(pk=report_id).first() if report_id else None
        if report is None:  # an open or decided one (a decided one is a 409 below)
            raise Http404("No such report.")
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            moderation = graph.decide(request.user, report, **serializer.validated_data)
        except graph.Decided as error:
            raise ReportDecided(str(error)) from error
        except graph.GraphError as error:
            raise ValidationError({"kind": [str(error)]}) from error
        moderation = ModerationAction.objects.select_related("moderator__profile", "person__profile").get(
            pk=moderation.pk
        )
        return Response(ModerationActionSerializer(moderation).data, status=status.HTTP_201_CREATED)
