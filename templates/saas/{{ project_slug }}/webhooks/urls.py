from django.urls import path

from ..organizations import converters  # noqa: F401  (registers <id:…>)
from . import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.endpoint_list, name="list"),
    path("webhooks/created/", views.created, name="created"),
    path("webhooks/<id:pk>/", views.endpoint_detail, name="detail"),
    path("webhooks/<id:pk>/test/", views.send_test, name="test"),
    path("webhooks/<id:pk>/enable/", views.enable, name="enable"),
    path("webhooks/<id:pk>/delete/", views.delete, name="delete"),
]
