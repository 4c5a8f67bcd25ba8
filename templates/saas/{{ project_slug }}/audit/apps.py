from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = __package__
    label = "audit"
    verbose_name = "Audit log"
