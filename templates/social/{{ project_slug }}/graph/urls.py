from django.urls import path

from . import views

app_name = "graph"
urlpatterns = [
    path("follow-requests/", views.follow_requests, name="requests"),
    path("follow-requests/<int:pk>/", views.answer_request, name="answer_request"),
    path("people/<str:username>/follow/", views.follow, name="follow"),
    path("people/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("people/<str:username>/remove-follower/", views.remove_follower, name="remove_follower"),
    path("people/<str:username>/block/", views.block, name="block"),
    path("people/<str:username>/unblock/", views.unblock, name="unblock"),
    path("people/<str:username>/mute/", views.mute, name="mute"),
    path("people/<str:username>/unmute/", views.unmute, name="unmute"),
    path("people/<str:username>/report/", views.report, name="report"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/reports/<int:pk>/", views.moderate, name="moderate"),
    path("reports/", views.my_reports, name="my_reports"),
]
