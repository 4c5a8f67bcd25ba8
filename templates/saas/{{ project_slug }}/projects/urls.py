from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="update"),
    path("projects/<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="delete"),
    path("projects/<int:pk>/tasks/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/edit/", views.TaskUpdateView.as_view(), name="task_update"),
    path("tasks/<int:pk>/toggle/", views.task_toggle, name="task_toggle"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
]
