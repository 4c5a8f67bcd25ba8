from django.urls import path

from . import views

app_name = "posts"
urlpatterns = [
    path("", views.home, name="home"),
    path("explore/", views.explore, name="explore"),
    path("search/", views.search, name="search"),
    path("tags/<str:name>/", views.tag, name="tag"),
    path("tags/<str:name>/follow/", views.tag_follow, name="tag_follow"),
    path("posts/new/", views.post_create, name="create"),
    path("posts/<int:pk>/", views.post_detail, name="detail"),
    path("posts/<int:pk>/reply/", views.reply_create, name="reply"),
    path("posts/<int:pk>/edit/", views.post_edit, name="edit"),
    path("posts/<int:pk>/history/", views.post_history, name="history"),
    path("posts/<int:pk>/delete/", views.post_delete, name="delete"),
    path("posts/<int:pk>/like/", views.like_toggle, name="like"),
    path("posts/<int:pk>/boost/", views.boost_toggle, name="boost"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path(
        "attachments/<int:pk>/thumbnail/", views.attachment, {"thumbnail": True}, name="attachment_thumbnail"
    ),
]
