from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import LabelViewSet, TaskListViewSet, TaskViewSet, TokenView

app_name = "api"

router = DefaultRouter()
router.register("tasks", TaskViewSet, basename="task")
router.register("lists", TaskListViewSet, basename="tasklist")
router.register("labels", LabelViewSet, basename="label")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    *router.urls,
]
