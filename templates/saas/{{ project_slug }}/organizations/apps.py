from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = __package__
    label = "organizations"
    verbose_name = "Organisations"
