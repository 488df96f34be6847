"""The provider models, taken over from the usecases app with their tables as they are.

The tables keep the names the usecases app gave them (each model's `db_table`, and the
many-to-many tables follow from it), so this migration creates the models in Django's state only
(`state_operations`) and leaves the database alone: no table is dropped or created and every
row survives. usecases/migrations/0008 removed the models from the usecases app's state first;
this migration depends on it and on matching (ContactRequest.submission), so the migration graph
points one way: providers -> usecases, providers -> matching, matching -> usecases.

The content types move too (their app label becomes "providers"), so the permissions given on
them (change_provider, view_provider, ...) and the admin's history keep working.
"""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


MOVED_MODELS = ("provider", "providerreference", "providermembership", "providerinvitation", "contactrequest", "providerappearance")


def _relabel_content_types(apps, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_types.objects.filter(app_label=new, model__in=MOVED_MODELS).values_list(
            "model", flat=True
        )
    )
    content_types.objects.filter(app_label=old, model__in=MOVED_MODELS).exclude(
        model__in=taken
    ).update(app_label=new)


def content_types_to_providers(apps, schema_editor) -> None:
    _relabel_content_types(apps, "usecases", "providers")


def content_types_to_usecases(apps, schema_editor) -> None:
    _relabel_content_types(apps, "providers", "usecases")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('matching', '0005_submission_groups_label'),
        ('usecases', '0008_provider_models_moved_to_providers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Provider',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='company name')),
                        ('slug', models.SlugField(max_length=120, unique=True, verbose_name='short name (in addresses)')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('description_en', models.TextField(blank=True, null=True, verbose_name='description')),
                        ('description_de', models.TextField(blank=True, null=True, verbose_name='description')),
                        ('regions', models.JSONField(blank=True, default=list, verbose_name='regions')),
                        ('languages', models.JSONField(blank=True, default=list, verbose_name='languages')),
                        ('company_sizes', models.JSONField(blank=True, default=list, verbose_name='company sizes served')),
                        ('contact_email', models.EmailField(max_length=254, verbose_name='contact email')),
                        ('contact_name', models.CharField(blank=True, max_length=200, verbose_name='contact person')),
                        ('contact_role', models.CharField(blank=True, max_length=200, verbose_name="contact person's role")),
                        ('locations', models.CharField(blank=True, help_text='Cities, separated by commas.', max_length=300, verbose_name='locations')),
                        ('logo', models.BinaryField(blank=True, default=b'', verbose_name='logo')),
                        ('logo_type', models.CharField(blank=True, editable=False, max_length=40, verbose_name='logo format')),
                        ('logo_hash', models.CharField(blank=True, editable=False, max_length=16, verbose_name='logo fingerprint')),
                        ('approval_status', models.CharField(choices=[('draft', 'Not yet submitted'), ('pending', 'Pending review'), ('approved', 'Approved'), ('rejected', 'Rejected')], db_index=True, default='draft', max_length=10, verbose_name='review status')),
                        ('rejection_reason', models.TextField(blank=True, verbose_name='reason for rejection')),
                        ('approved_snapshot', models.JSONField(blank=True, default=dict, editable=False, verbose_name='profile as last approved')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted for review at')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('is_example', models.BooleanField(default=False, help_text='A fictional provider that shows how the platform works.', verbose_name='example provider')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('clusters', models.ManyToManyField(blank=True, related_name='providers', to='usecases.cluster', verbose_name='whole clusters offered')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                        ('use_cases', models.ManyToManyField(blank=True, related_name='providers', to='usecases.usecase', verbose_name='use cases offered')),
                    ],
                    options={
                        'verbose_name': 'provider',
                        'verbose_name_plural': 'providers',
                        'db_table': 'usecases_provider',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ContactRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='your name')),
                        ('company', models.CharField(max_length=200, verbose_name='company')),
                        ('email', models.EmailField(max_length=254, verbose_name='email')),
                        ('message', models.TextField(max_length=5000, verbose_name='message')),
                        ('status', models.CharField(choices=[('new', 'New'), ('answered', 'Answered'), ('closed', 'Closed')], db_index=True, default='new', max_length=10, verbose_name='status')),
                        ('language', models.CharField(default='en', max_length=2, verbose_name='language')),
                        ('reply', models.TextField(blank=True, verbose_name='reply')),
                        ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='received at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                        ('submission', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contact_requests', to='matching.submission', verbose_name='stored query')),
                        ('use_case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='usecases.usecase', verbose_name='use case')),
                        ('provider', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contact_requests', to='providers.provider', verbose_name='provider')),
                    ],
                    options={
                        'verbose_name': 'contact request',
                        'verbose_name_plural': 'contact requests',
                        'db_table': 'usecases_contactrequest',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ProviderMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('colleague', 'Colleague')], default='colleague', max_length=10, verbose_name='role')),
                        ('joined_at', models.DateTimeField(auto_now_add=True, verbose_name='joined at')),
                        ('provider', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='providers.provider', verbose_name='provider')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='provider_membership', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'provider team member',
                        'verbose_name_plural': 'provider team members',
                        'db_table': 'usecases_providermembership',
                    },
                ),
                migrations.CreateModel(
                    name='ProviderReference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('client', models.CharField(help_text='A description is enough, e.g. “Machine builder, 300 employees”.', max_length=200, verbose_name='for whom')),
                        ('summary', models.TextField(max_length=800, verbose_name='what was done and what it brought')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('provider', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='references', to='providers.provider', verbose_name='provider')),
                        ('use_case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='usecases.usecase', verbose_name='use case')),
                    ],
                    options={
                        'verbose_name': 'reference',
                        'verbose_name_plural': 'references',
                        'db_table': 'usecases_providerreference',
                        'ordering': ['provider', 'position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ProviderAppearance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='day')),
                        ('count', models.PositiveIntegerField(default=0, verbose_name='times shown')),
                        ('provider', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appearances', to='providers.provider', verbose_name='provider')),
                        ('use_case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='usecases.usecase', verbose_name='use case')),
                    ],
                    options={
                        'verbose_name': 'provider appearance',
                        'verbose_name_plural': 'provider appearances',
                        'db_table': 'usecases_providerappearance',
                        'constraints': [models.UniqueConstraint(fields=('provider', 'use_case', 'day'), name='one_count_per_provider_use_case_day')],
                    },
                ),
                migrations.CreateModel(
                    name='ProviderInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='email')),
                        ('token', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='token')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted at')),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
                        ('provider', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='providers.provider', verbose_name='provider')),
                    ],
                    options={
                        'verbose_name': 'invitation',
                        'verbose_name_plural': 'invitations',
                        'db_table': 'usecases_providerinvitation',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('accepted_at__isnull', True)), fields=('provider', 'email'), name='one_open_invitation_per_address')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_providers, content_types_to_usecases),
    ]
