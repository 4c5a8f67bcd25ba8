from django.apps import AppConfig


class AddressesConfig(AppConfig):
    name = __package__
    label = "addresses"
    verbose_name = "Address book"
