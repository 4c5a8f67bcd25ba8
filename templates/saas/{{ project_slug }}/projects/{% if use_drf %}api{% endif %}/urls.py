from django.urls import include, path
from rest_framework.routers import SimpleRouter

from ...exports.api import ExportViewSet
from ...webhooks.api import DeliveryViewSet, EndpointViewSet
from .views import ProjectViewSet, TaskViewSet

app_name = "api"

# SimpleRouter: no API root view, so every route below /o/<slug>/ is an organisation-scoped viewset.
router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("tasks", TaskViewSet, basename="task")
router.register("webhook-endpoints", EndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", DeliveryViewSet, basename="webhook-delivery")
router.register("exports", ExportViewSet, basename="export")

urlpatterns = [path("o/<slug:org_slug>/", include(router.urls))]
