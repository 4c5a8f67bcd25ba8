from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.home, name="home"),
    path("token/", views.rotate_token, name="rotate_token"),
    path("tasks/", views.task_list, name="list"),
    path("tasks/<int:pk>/done/", views.set_done, name="set_done"),
]
