from django.urls import path

from ..organizations import converters  # noqa: F401  (registers <id:…>)
from . import views

app_name = "invitations"
urlpatterns = [
    path("invitations/<str:token>/", views.respond, name="respond"),
    path("o/<slug:org_slug>/invitations/new/", views.create, name="create"),
    path("o/<slug:org_slug>/invitations/<id:pk>/resend/", views.resend, name="resend"),
    path("o/<slug:org_slug>/invitations/<id:pk>/revoke/", views.revoke, name="revoke"),
]
