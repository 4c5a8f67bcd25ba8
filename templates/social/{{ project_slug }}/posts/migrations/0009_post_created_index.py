from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0008_post_parent_deleted"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["-created_at", "-id"], name="posts_post_created_idx"),
        ),
    ]
