from django.urls import path

from ..organizations import converters  # noqa: F401  (registers <id:…>)
from . import views

app_name = "apikeys"
urlpatterns = [
    path("api-keys/", views.key_list, name="list"),
    path("api-keys/created/", views.created, name="created"),
    path("api-keys/<id:pk>/revoke/", views.revoke, name="revoke"),
]
