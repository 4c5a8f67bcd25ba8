from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("exports/", views.export_list, name="list"),
    path("exports/download/<str:token>/", views.download, name="download"),
]
