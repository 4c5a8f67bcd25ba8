from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """Project-wide pieces: upload validators, middleware, context processors, health check, the site."""

    name = __package__
    label = "core"

    def ready(self) -> None:
        from .sites import update_current_site

        # After the Sites framework creates its default site (it is installed before this app).
        post_migrate.connect(update_current_site, sender=apps.get_app_config("sites"))
