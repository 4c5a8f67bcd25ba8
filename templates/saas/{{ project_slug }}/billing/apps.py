from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = __package__
    label = "billing"
    verbose_name = "Billing"
