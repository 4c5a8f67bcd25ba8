"""The projects API under ``/api/v1/o/<slug>/``: every queryset is the organisation's (scoped manager),
every action asks the permission table (``OrganizationScopedAPIMixin``)."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ...core.api.mixins import FreshWriteResponseMixin
from ...core.page_cache import cached_list
from ...organizations.api import OrganizationScopedAPIMixin
from ...organizations.exceptions import PlanLimitReached
from ...organizations.permissions import Action
from .. import services
from ..models import Project, Task
from ..signals import PROJECT_LISTS
from .filters import TaskFilter
from .serializers import ProjectSerializer, TaskSerializer

#: Every operation's ``org_slug``, with the demo data's organisation as the example clients try first.
ORGANIZATION = extend_schema(
    parameters=[
        OpenApiParameter(
            "org_slug",
            str,
            OpenApiParameter.PATH,
            description="The organisation's slug (its address: /o/<slug>/).",
            examples=[OpenApiExample("The demo organisation", value="acme")],
        )
    ]
)


@ORGANIZATION
class ProjectViewSet(OrganizationScopedAPIMixin, FreshWriteResponseMixin, viewsets.ModelViewSet):
    """The organisation's projects. Search names with ``?search=``, sort with ``?ordering=``."""

    queryset = Project.unscoped.none()  # for the schema only; requests use get_queryset()
    serializer_class = ProjectSerializer
    reads_in_transaction = False  # its reads write nothing (OrganizationScopedAPIMixin)
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at", "updated_at"]

    def get_queryset(self):
        return self.scoped(Project).order_by("name")

    # Kept per organisation (resolved and checked before this runs) until one of its projects changes.
    @cached_list(PROJECT_LISTS, scope=lambda view: view.request.organization.pk)
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer) -> None:
        """Through the same service as the site: the plan's project limit is checked under a lock."""
        user = self.request.user if self.request.user.is_authenticated else None
        try:
            serializer.instance = services.create_project(
                organization=self.request.organization,
                created_by=user,
                name=serializer.validated_data["name"],
                description=serializer.validated_data.get("description", ""),
            )
        except PlanLimitReached as limit:
            raise ValidationError({"detail": limit.message}) from None


@ORGANIZATION
class TaskViewSet(OrganizationScopedAPIMixin, FreshWriteResponseMixin, viewsets.ModelViewSet):
    """The organisation's tasks. Filter with ``?project=`` and ``?done=``; search titles with ``?search=``."""

    queryset = Task.unscoped.none()  # for the schema only; requests use get_queryset()
    serializer_class = TaskSerializer
    reads_in_transaction = False  # its reads write nothing (OrganizationScopedAPIMixin)
    filterset_class = TaskFilter
    search_fields = ["title"]
    ordering_fields = ["due_date", "created_at", "title"]
    # Members may delete tasks (not projects), as on the site.
    action_permissions = {**OrganizationScopedAPIMixin.action_permissions, "destroy": Action.EDIT_PROJECTS}

    def get_queryset(self):
        return self.scoped(Task).order_by("done", "due_date", "pk")
