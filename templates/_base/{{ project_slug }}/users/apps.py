from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = __package__
    label = "users"
    verbose_name = "Users"
