from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = __package__
    label = "posts"
    verbose_name = "Posts"
