from django.apps import AppConfig


class GraphConfig(AppConfig):
    name = __package__
    label = "graph"
    verbose_name = "Follows, blocks and reports"
