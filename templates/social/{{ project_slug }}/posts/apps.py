from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = __package__
    label = "posts"
    verbose_name = "Posts"

    def ready(self) -> None:
        # The timelines' cache forgets its copies when posts, people or blocks change (timeline_cache.py).
        from . import timeline_cache

        timeline_cache.connect()
