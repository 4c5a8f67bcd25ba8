"""Images attached to posts (``posts.media``): at most four per post, kept by the database."""

import django.db.models.deletion
from django.db import migrations, models

from ..media import attachment_storage


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0005_boosts"),
    ]

    operations = [
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("image", models.FileField(max_length=200, storage=attachment_storage, upload_to="")),
                ("thumbnail", models.FileField(max_length=200, storage=attachment_storage, upload_to="")),
                ("width", models.PositiveIntegerField()),
                ("height", models.PositiveIntegerField()),
                ("thumbnail_width", models.PositiveIntegerField()),
                ("thumbnail_height", models.PositiveIntegerField()),
                (
                    "alt_text",
                    models.TextField(blank=True, max_length=1500, verbose_name="description (alt text)"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="posts.post",
                    ),
                ),
            ],
            options={
                "ordering": ["position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("post", "position"), name="posts_attachment_position_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("position__lt", 4)), name="posts_attachment_at_most_four"
                    ),
                ],
            },
        ),
    ]
