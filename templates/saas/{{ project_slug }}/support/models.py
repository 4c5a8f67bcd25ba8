from django.db import models


class Support(models.Model):
    """No table: the holder of the support permissions (a model-less app has nowhere else to declare
    them). Grant "Can impersonate users" to a staff member, or their group, in the admin."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("impersonate_user", "Can impersonate users (support)")]

    def __str__(self) -> str:
        return "Support"
