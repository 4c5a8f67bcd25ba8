"""The to-do REST API: https://www.django-rest-framework.org/api-guide/viewsets/

Every queryset is scoped to ``request.user``: another user's task, list or label answers 404.
"""

from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import UserRateThrottle

from ...core.api.mixins import FreshWriteResponseMixin
from ...core.page_cache import cached_list
from ..models import TASK_LISTS, Label, Task, TaskList
from .filters import TaskFilter
from .serializers import (
    BulkCompleteResultSerializer,
    BulkCompleteSerializer,
    LabelSerializer,
    TaskListSerializer,
    TaskSerializer,
)
from .throttling import BulkActionRateThrottle, TokenRateThrottle


class OwnedViewSet(FreshWriteResponseMixin, viewsets.ModelViewSet):
    """CRUD over the requesting user's own objects; the owner is never taken from the request body.
    Writes answer with the object as a GET shows it, counts included (``FreshWriteResponseMixin``)."""

    permission_classes = (permissions.IsAuthenticated,)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.queryset.none()
        return self.queryset.for_user(self.request.user)

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.save(owner=self.request.user)


class TaskViewSet(OwnedViewSet):
    """Your tasks. Filter with ``?done=``, ``?due_before=``, ``?due_after=``, ``?priority=``, ``?list=``,
    ``?label=``, ``?overdue=``; search titles and notes with ``?search=``; sort with ``?ordering=``."""

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    search_fields = ("title", "notes")
    ordering_fields = ("due_date", "priority", "created", "updated", "title")

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().with_related()

    # Kept per owner and day ("overdue" changes at midnight) until a task, list or label changes.
    @cached_list(TASK_LISTS, scope=lambda view: (view.request.user.pk, timezone.localdate()))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=BulkCompleteSerializer, responses={200: BulkCompleteResultSerializer})
    @action(
        detail=False,
        methods=["post"],
        serializer_class=BulkCompleteSerializer,
        throttle_classes=[UserRateThrottle, BulkActionRateThrottle],
    )
    def complete(self, request: Request) -> Response:
        """Mark several of your tasks done at once. Any id that is not one of your tasks rejects the whole
        request (400) and nothing changes."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["ids"]
        with transaction.atomic():
            completed = Task.objects.for_user(request.user).filter(pk__in=ids).complete()
        result = BulkCompleteResultSerializer({"completed": completed, "ids": ids})
        return Response(result.data, status=status.HTTP_200_OK)


class TaskListViewSet(OwnedViewSet):
    """Your lists (projects), each with its number of open tasks."""

    queryset = TaskList.objects.all()
    serializer_class = TaskListSerializer
    search_fields = ("name",)
    ordering_fields = ("name", "created", "open_tasks")

    def get_queryset(self) -> QuerySet:
        # Aggregating queries ignore Meta.ordering: order explicitly so pages are stable.
        return (
            super()
            .get_queryset()
            .annotate(open_tasks=Count("tasks", filter=Q(tasks__done=False)))
            .order_by("name", "pk")
        )


class LabelViewSet(OwnedViewSet):
    """Your labels, each with its number of tasks."""

    queryset = Label.objects.all()
    serializer_class = LabelSerializer
    search_fields = ("name",)
    ordering_fields = ("name", "created", "task_count")

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().annotate(task_count=Count("tasks")).order_by("name", "pk")


class TokenView(ObtainAuthToken):
    """Exchange a username and password for your API token (created on first use).

    Send it as ``Authorization: Token <key>``."""

    throttle_classes = (TokenRateThrottle,)
