import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('organizations', '0002_organization_require_two_factor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Export',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('requested_by_label', models.CharField(help_text='Who asked, as they were called then.', max_length=150)),
                ('status', models.CharField(choices=[('pending', 'Queued'), ('building', 'Being built'), ('ready', 'Ready'), ('failed', 'Failed')], default='pending', max_length=10)),
                ('file_name', models.CharField(blank=True, editable=False, help_text="The archive's name in the exports storage.", max_length=200)),
                ('size', models.PositiveBigIntegerField(blank=True, help_text="The archive's size in bytes.", null=True)),
                ('error', models.CharField(blank=True, max_length=300)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('expires_at', models.DateTimeField(blank=True, help_text='The download link works until then.', null=True)),
                ('downloaded_at', models.DateTimeField(blank=True, null=True)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exports', to='organizations.organization')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'building'])), fields=('organization',), name='one_export_in_progress'), models.CheckConstraint(condition=models.Q(('downloaded_at__isnull', True), ('status', 'ready'), _connector='OR'), name='export_downloaded_only_when_ready')],
            },
        ),
    ]
