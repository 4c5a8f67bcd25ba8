from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    BlockViewSet,
    FeedView,
    FollowedTagsView,
    FollowerViewSet,
    FollowRequestViewSet,
    FollowViewSet,
    ModerationReportViewSet,
    MuteViewSet,
    NotificationPreferencesView,
    NotificationViewSet,
    PeopleSearchView,
    PostViewSet,
    ReportViewSet,
    TagFollowView,
    TagPostsView,
    TrendingTagsView,
)
from .your_data import AccountDeletionView, ExportViewSet

app_name = "api"

router = DefaultRouter()
router.register("posts", PostViewSet, basename="post")
router.register("follows", FollowViewSet, basename="follow")
router.register("follow-requests", FollowRequestViewSet, basename="follow-request")
router.register("followers", FollowerViewSet, basename="follower")
router.register("blocks", BlockViewSet, basename="block")
router.register("mutes", MuteViewSet, basename="mute")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("reports", ReportViewSet, basename="report")
router.register("moderation/reports", ModerationReportViewSet, basename="moderation-report")
router.register("exports", ExportViewSet, basename="export")

urlpatterns = [
    path("feed/", FeedView.as_view(), name="feed"),
    path("notification-preferences/", NotificationPreferencesView.as_view(), name="notification-preferences"),
    path("people/", PeopleSearchView.as_view(), name="people-search"),
    path("account/deletion/", AccountDeletionView.as_view(), name="account-deletion"),
    path("tags/trending/", TrendingTagsView.as_view(), name="tag-trending"),
    path("tags/followed/", FollowedTagsView.as_view(), name="tag-followed"),
    path("tags/<str:name>/posts/", TagPostsView.as_view(), name="tag-posts"),
    path("tags/<str:name>/follow/", TagFollowView.as_view(), name="tag-follow"),
    *router.urls,
]
