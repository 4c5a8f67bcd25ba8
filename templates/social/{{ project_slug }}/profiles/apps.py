from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = __package__
    label = "profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        # Connect the signal receivers (see signals.py).
        from . import signals  # noqa: F401
