from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = __package__
    label = "posts"
    verbose_name = "Posts"

    def ready(self) -> None:
        # The public timeline's cache forgets its copy when posts, people or blocks change (public_cache.py).
        from . import public_cache

        public_cache.connect()
