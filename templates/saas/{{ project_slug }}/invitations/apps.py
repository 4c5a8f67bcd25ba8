from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = __package__
    label = "invitations"
    verbose_name = "Invitations"
