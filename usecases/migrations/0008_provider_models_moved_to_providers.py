"""The provider models move to the providers app: here they leave the usecases app's state.

Only Django's record of the models changes (`state_operations`); the database is not touched
(`database_operations` is empty), so the tables, their rows and their sequences stay as they are.
providers/migrations/0001_initial.py takes the models over under the same table names
(`db_table`) and depends on this migration, never the other way round.

Why: ContactRequest points at matching.Submission, so while it lived here the usecases
migrations depended on matching's (0002, 0004) and matching's on usecases' (0001): two apps
whose migrations depended on each other. From here on the graph points one way: matching
depends on usecases, providers on usecases and matching, usecases on neither. The two old edges
stay in 0002 and 0004 because every existing database has recorded those migrations as applied
as they are; no usecases model refers to matching any more, so no new one will add such an edge.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('usecases', '0007_expert_field_names'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='provider',
                    name='clusters',
                ),
                migrations.RemoveField(
                    model_name='provider',
                    name='reviewed_by',
                ),
                migrations.RemoveField(
                    model_name='provider',
                    name='use_cases',
                ),
                migrations.RemoveField(
                    model_name='providerreference',
                    name='provider',
                ),
                migrations.RemoveField(
                    model_name='providerappearance',
                    name='provider',
                ),
                migrations.RemoveField(
                    model_name='providermembership',
                    name='provider',
                ),
                migrations.RemoveField(
                    model_name='providerinvitation',
                    name='provider',
                ),
                migrations.RemoveField(
                    model_name='providerappearance',
                    name='use_case',
                ),
                migrations.RemoveField(
                    model_name='providerinvitation',
                    name='invited_by',
                ),
                migrations.RemoveField(
                    model_name='providermembership',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='providerreference',
                    name='use_case',
                ),
                migrations.DeleteModel(
                    name='ContactRequest',
                ),
                migrations.DeleteModel(
                    name='Provider',
                ),
                migrations.DeleteModel(
                    name='ProviderAppearance',
                ),
                migrations.DeleteModel(
                    name='ProviderInvitation',
                ),
                migrations.DeleteModel(
                    name='ProviderMembership',
                ),
                migrations.DeleteModel(
                    name='ProviderReference',
                ),
            ],
            database_operations=[],
        ),
    ]
