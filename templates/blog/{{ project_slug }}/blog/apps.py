from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = __package__
    label = "blog"
    verbose_name = "Blog"

    def ready(self) -> None:
        # Connect the signal receivers (see signals.py).
        from . import signals  # noqa: F401
