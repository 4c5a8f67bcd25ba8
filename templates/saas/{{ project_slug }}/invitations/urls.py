from django.urls import path

from . import views

app_name = "invitations"
urlpatterns = [
    path("invitations/<str:token>/", views.respond, name="respond"),
    path("o/<slug:org_slug>/invitations/new/", views.create, name="create"),
    path("o/<slug:org_slug>/invitations/<int:pk>/resend/", views.resend, name="resend"),
    path("o/<slug:org_slug>/invitations/<int:pk>/revoke/", views.revoke, name="revoke"),
]
