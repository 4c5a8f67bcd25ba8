from django.urls import path

from . import views

app_name = "apikeys"
urlpatterns = [
    path("api-keys/", views.key_list, name="list"),
    path("api-keys/<int:pk>/revoke/", views.revoke, name="revoke"),
]
