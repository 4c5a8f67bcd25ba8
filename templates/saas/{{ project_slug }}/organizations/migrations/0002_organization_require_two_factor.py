from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="require_two_factor",
            field=models.BooleanField(
                default=False,
                help_text="Members without two-factor authentication set it up before they reach any page.",
                verbose_name="require two-factor authentication for members",
            ),
        ),
    ]
