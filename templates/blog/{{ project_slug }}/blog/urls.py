from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .feeds import LatestPostsFeed
from .sitemaps import sitemaps

app_name = "blog"
urlpatterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("search/", views.search, name="search"),
    path("feed/", LatestPostsFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("category/<slug:slug>/", views.CategoryPostListView.as_view(), name="category"),
    path("tag/<slug:slug>/", views.TagPostListView.as_view(), name="tag"),
    path("write/", views.PostCreateView.as_view(), name="post_create"),
    path("my-posts/", views.MyPostsView.as_view(), name="my_posts"),
    path("posts/<slug:slug>/", views.PostDetailView.as_view(), name="post_detail"),
    path("posts/<slug:slug>/edit/", views.PostUpdateView.as_view(), name="post_update"),
    path("posts/<slug:slug>/delete/", views.PostDeleteView.as_view(), name="post_delete"),
    path("posts/<slug:slug>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment_moderate"),
]
