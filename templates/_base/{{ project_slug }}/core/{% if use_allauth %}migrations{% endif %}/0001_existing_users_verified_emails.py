"""Users who existed before django-allauth was turned on keep signing in.

allauth signs a user in only with a verified address (``ACCOUNT_EMAIL_VERIFICATION = "mandatory"``)
and reads it from its own ``EmailAddress`` table, which starts empty. This migration records each
existing user's email as their verified, primary address, so nobody is locked out waiting for a
confirmation email they were never sent. Users without an email keep their account but must have an
address added (admin: Users, then Accounts › Email addresses) before they can sign in on the site.
Where two users share an address (any case), only the earliest gets it: addresses are unique.
On a new project the table of users is empty and this does nothing.
"""

from django.conf import settings
from django.db import migrations


def record_existing_addresses_as_verified(apps, schema_editor):
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    email_address = apps.get_model("account", "EmailAddress")
    taken = {email.lower() for email in email_address.objects.values_list("email", flat=True)}
    has_address = set(email_address.objects.values_list("user_id", flat=True))
    new = []
    for user in user_model.objects.exclude(email="").order_by("pk").only("pk", "email"):
        email = user.email.strip().lower()
        if not email or email in taken or user.pk in has_address:
            continue
        taken.add(email)
        new.append(email_address(user_id=user.pk, email=email, verified=True, primary=True))
    email_address.objects.bulk_create(new, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("account", "0002_email_max_length"),
    ]

    operations = [
        migrations.RunPython(record_existing_addresses_as_verified, migrations.RunPython.noop),
    ]
