import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("posts", "0006_attachments")]

    operations = [
        migrations.CreateModel(
            name="PostEdit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("body", models.TextField()),
                ("content_warning", models.CharField(blank=True, max_length=200)),
                (
                    "visibility",
                    models.CharField(
                        choices=[("public", "Public"), ("followers", "Followers only")], max_length=10
                    ),
                ),
                ("replaced_at", models.DateTimeField()),
                (
                    "post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="edits", to="posts.post"
                    ),
                ),
            ],
            options={
                "ordering": ["-replaced_at", "-pk"],
                "indexes": [
                    models.Index(fields=["post", "-replaced_at"], name="posts_postedit_post_idx")
                ],
            },
        ),
    ]
