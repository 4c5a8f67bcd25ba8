from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """ "Your data": a person's export archive (and, in ``profiles.deletion``, leaving)."""

    name = __package__
    label = "exports"
    verbose_name = "Your data"
