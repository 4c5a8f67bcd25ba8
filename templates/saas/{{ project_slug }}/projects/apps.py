from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = __package__
    label = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
