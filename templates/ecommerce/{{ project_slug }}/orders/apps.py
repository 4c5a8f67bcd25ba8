from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = __package__
    label = "orders"
    verbose_name = "Orders"
