from django.urls import path

from ..organizations import converters  # noqa: F401  (registers <id:…>)
from . import views

app_name = "support"
urlpatterns = [
    path("staff/", views.DashboardView.as_view(), name="dashboard"),
    path("staff/users/", views.UserListView.as_view(), name="users"),
    path("staff/users/<id:pk>/impersonate/", views.StartImpersonationView.as_view(), name="impersonate"),
    path("staff/impersonation/stop/", views.StopImpersonationView.as_view(), name="stop_impersonating"),
]
