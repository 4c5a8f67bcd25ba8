from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide pieces: upload validators, middleware, context processors, health check."""

    name = __package__
    label = "core"
