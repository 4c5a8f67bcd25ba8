from django.urls import path

from ..organizations import converters  # noqa: F401  (registers <id:…>)
from . import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="create"),
    path("projects/<id:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("projects/<id:pk>/edit/", views.ProjectUpdateView.as_view(), name="update"),
    path("projects/<id:pk>/delete/", views.ProjectDeleteView.as_view(), name="delete"),
    path("projects/<id:pk>/tasks/", views.task_create, name="task_create"),
    path("tasks/<id:pk>/edit/", views.TaskUpdateView.as_view(), name="task_update"),
    path("tasks/<id:pk>/toggle/", views.task_toggle, name="task_toggle"),
    path("tasks/<id:pk>/delete/", views.task_delete, name="task_delete"),
]
