from django.urls import path

from . import views

app_name = "addresses"
urlpatterns = [
    path("", views.address_list, name="list"),
    path("new/", views.address_form, name="create"),
    path("<int:pk>/edit/", views.address_form, name="edit"),
    path("<int:pk>/default/", views.make_default, name="make_default"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
