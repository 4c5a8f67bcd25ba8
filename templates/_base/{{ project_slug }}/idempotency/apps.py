from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = __package__
    label = "idempotency"
    verbose_name = "Idempotency"
