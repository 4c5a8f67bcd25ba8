from django.urls import path

from . import views

app_name = "profiles"
urlpatterns = [
    path("settings/profile/", views.profile_settings, name="settings"),
    path("settings/account/delete/", views.account_deletion, name="delete_account"),
    path("search/people/", views.people_search, name="search"),
    path("people/<str:username>/", views.profile_detail, name="detail"),
    path("people/<str:username>/followers/", views.followers, name="followers"),
    path("people/<str:username>/following/", views.following, name="following"),
]
