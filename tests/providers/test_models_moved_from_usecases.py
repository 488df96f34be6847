"""The provider models moved from the usecases app to providers (issue 16) without touching the
database: a database migrated before the move keeps every provider row, link and permission.

The test migrates the test database back to the last state before the move, stores data with
the models as they were then (usecases.Provider, usecases.ContactRequest), migrates forward
and reads the same rows through the models as they are now. It runs on whichever database the
suite uses: SQLite by default, PostgreSQL with DATABASE_URL (as in CI).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [
    ("usecases", "0007_expert_field_names"),
    ("matching", "0005_submission_groups_label"),
]
MOVED_TABLES = {
    "usecases_provider",
    "usecases_provider_use_cases",
    "usecases_provider_clusters",
    "usecases_providerreference",
    "usecases_providermembership",
    "usecases_providerinvitation",
    "usecases_contactrequest",
    "usecases_providerappearance",
}


def migrate(targets: list[tuple[str, str]]):
    """Migrate the test database to `targets`; the apps (historical models) of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def before_the_move() -> list[tuple[str, str]]:
    """The moved-from apps just before the move, every other app (auth, ...) at its latest."""
    others = [node for node in latest() if node[0] not in {"usecases", "matching", "providers"}]
    return [*others, *BEFORE_THE_MOVE]


@pytest.fixture
def data_stored_before_the_move():
    old = migrate(before_the_move())
    content_types = old.get_model("contenttypes", "ContentType")
    permissions = old.get_model("auth", "Permission")
    users = old.get_model("auth", "User")
    # As on a database that never had a providers app: the content types carry "usecases".
    content_types.objects.filter(app_label="providers").delete()
    provider_type, _ = content_types.objects.get_or_create(app_label="usecases", model="provider")
    permission, _ = permissions.objects.get_or_create(
        content_type=provider_type, codename="change_provider", name="Can change provider"
    )
    editor = users.objects.create(username="editor", is_staff=True)
    editor.user_permissions.add(permission)

    cluster = old.get_model("usecases", "Cluster").objects.create(
        slug="documents", name_en="Documents", name_de="Dokumente", ordering=1
    )
    use_case = old.get_model("usecases", "UseCase").objects.create(
        slug="invoices", cluster=cluster, title_en="Invoices", title_de="Rechnungen"
    )
    provider = old.get_model("usecases", "Provider").objects.create(
        name="Belegblick GmbH",
        slug="belegblick",
        contact_email="hallo@belegblick.example",
        approval_status="approved",
        description_de="Wir lesen Rechnungen.",
    )
    provider.use_cases.add(use_case)
    provider.clusters.add(cluster)
    old.get_model("usecases", "ProviderMembership").objects.create(
        provider=provider, user=editor, role="owner"
    )
    submission = old.get_model("matching", "Submission").objects.create(
        text="Rechnungen kommen als PDF",
        language="de",
        goal="balanced",
        value_weight=0.3,
        top_k=5,
        model_name="test",
        index_version=1,
    )
    old.get_model("usecases", "ContactRequest").objects.create(
        provider=provider,
        use_case=use_case,
        submission=submission,
        name="Anna Muster",
        company="Muster AG",
        email="anna@muster.example",
        message="Bitte melden Sie sich.",
    )
    return {"provider": provider.pk, "submission": submission.pk, "editor": editor.pk}


def test_the_move_keeps_every_table_and_row(data_stored_before_the_move):
    tables_before = set(connection.introspection.table_names())
    assert tables_before >= MOVED_TABLES

    new = migrate(latest())

    assert set(connection.introspection.table_names()) == tables_before
    provider = new.get_model("providers", "Provider").objects.get(
        pk=data_stored_before_the_move["provider"]
    )
    assert provider.name == "Belegblick GmbH"
    assert provider.description_de == "Wir lesen Rechnungen."
    assert [u.slug for u in provider.use_cases.all()] == ["invoices"]
    assert [c.slug for c in provider.clusters.all()] == ["documents"]
    assert provider.memberships.get().user_id == data_stored_before_the_move["editor"]
    request = new.get_model("providers", "ContactRequest").objects.get(provider=provider)
    assert request.company == "Muster AG"
    assert request.submission_id == data_stored_before_the_move["submission"]


def test_permissions_on_providers_keep_working_after_the_move(data_stored_before_the_move):
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    migrate(latest())
    ContentType.objects.clear_cache()

    editor = User.objects.get(pk=data_stored_before_the_move["editor"])
    assert editor.has_perm("providers.change_provider")
    assert not ContentType.objects.filter(app_label="usecases", model="provider").exists()


def test_the_current_models_read_the_rows_stored_before_the_move(data_stored_before_the_move):
    from providers.models import ContactRequest, Provider

    migrate(latest())

    provider = Provider.objects.get(pk=data_stored_before_the_move["provider"])
    assert provider.is_public
    assert ContactRequest.objects.get(provider=provider).status == ContactRequest.Status.NEW
    assert provider.staff_emails() == ["hallo@belegblick.example"]
