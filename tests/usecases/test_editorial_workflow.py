"""Draft, published, retired: who may move a use case where, and the history of every change."""

from __future__ import annotations

import pytest
import tablib
from django.contrib.auth.models import Permission

from tests.factories import make_assessment, make_cluster, make_use_case
from usecases.models import UseCase, UseCaseChange
from usecases.resources import ExpertAssessmentResource, ProblemStatementResource

pytestmark = pytest.mark.django_db


def staff_user(django_user_model, username: str, *codenames: str):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def editor(django_user_model):
    return staff_user(django_user_model, "editor", "view_usecase", "change_usecase", "add_usecase")


@pytest.fixture
def publisher(django_user_model):
    return staff_user(
        django_user_model, "publisher", "view_usecase", "change_usecase", "publish_usecase"
    )


def move(client, use_case, status):
    return client.post(f"/admin/usecases/usecase/{use_case.pk}/status/", {"status": status})


def change_form_data(use_case: UseCase, **changes: object) -> dict[str, object]:
    """What the admin's change form posts for this use case, with `changes` applied."""
    data = {
        "slug": use_case.slug,
        "cluster": str(use_case.cluster_id),
        "effort": use_case.effort,
        **{
            f"{name}_{language}": getattr(use_case, f"{name}_{language}")
            for name in ("title", "summary", "description", "data_needed")
            for language in ("en", "de")
        },
        # Code lists are checkboxes: one value per ticked box.
        **{
            name: getattr(use_case, name)
            for name in ("business_functions", "industries", "ai_techniques", "obstacles")
        },
        "problem_statements-TOTAL_FORMS": "0",
        "problem_statements-INITIAL_FORMS": "0",
        "assessments-TOTAL_FORMS": "0",
        "assessments-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_an_editor_without_the_publish_permission_edits_drafts_but_cannot_publish(client, editor):
    draft = make_use_case(status=UseCase.Status.DRAFT)
    client.force_login(editor)

    page = client.get(f"/admin/usecases/usecase/{draft.pk}/change/").content.decode()
    assert 'value="published"' not in page  # no publish button for this editor
    assert 'value="retired"' in page
    saved = client.post(
        f"/admin/usecases/usecase/{draft.pk}/change/",
        change_form_data(draft, title_en="A better title"),
    )
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.title_en == "A better title"

    assert move(client, draft, UseCase.Status.PUBLISHED).status_code == 403
    draft.refresh_from_db()
    assert draft.status == UseCase.Status.DRAFT


def test_an_editor_cannot_change_a_published_use_case(client, editor):
    published = make_use_case(status=UseCase.Status.PUBLISHED)
    client.force_login(editor)

    response = client.post(
        f"/admin/usecases/usecase/{published.pk}/change/",
        change_form_data(published, title_en="Sneaky edit"),
    )

    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title_en != "Sneaky edit"
    assert move(client, published, UseCase.Status.RETIRED).status_code == 403


def test_a_publisher_publishes_and_the_date_and_user_are_recorded(client, publisher):
    draft = make_use_case(status=UseCase.Status.DRAFT)
    client.force_login(publisher)

    response = move(client, draft, UseCase.Status.PUBLISHED)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == UseCase.Status.PUBLISHED
    assert draft.status_changed_by == publisher
    assert draft.status_changed_at is not None
    change = UseCaseChange.objects.get(use_case=draft)
    assert change.source == UseCaseChange.Source.STATUS
    assert change.fields == {"status": ["draft", "published"]}


def test_retired_use_cases_go_back_to_draft_before_they_are_published_again(client, publisher):
    retired = make_use_case(status=UseCase.Status.RETIRED)
    client.force_login(publisher)

    refused = move(client, retired, UseCase.Status.PUBLISHED)

    assert refused.status_code == 400
    assert "cannot move from Retired to Published" in refused.content.decode()
    assert move(client, retired, UseCase.Status.DRAFT).status_code == 302
    assert move(client, retired, UseCase.Status.PUBLISHED).status_code == 302
    retired.refresh_from_db()
    assert retired.status == UseCase.Status.PUBLISHED


def test_a_new_use_case_starts_as_a_draft(client, editor):
    cluster = make_cluster()
    template = UseCase(cluster=cluster, slug="fresh-idea", effort="low")
    for name in ("title", "summary", "description", "data_needed"):
        setattr(template, f"{name}_en", f"{name} in English")
        setattr(template, f"{name}_de", f"{name} auf Deutsch")
    template.business_functions = template.industries = []
    template.ai_techniques = template.obstacles = []
    client.force_login(editor)

    response = client.post(
        "/admin/usecases/usecase/add/", change_form_data(template, status="published")
    )

    assert response.status_code == 302
    created = UseCase.objects.get(slug="fresh-idea")
    assert created.status == UseCase.Status.DRAFT


def test_an_admin_edit_is_recorded_field_by_field_with_old_and_new_values(admin_client, admin_user):
    use_case = make_use_case(status=UseCase.Status.DRAFT, title_de="Alter Titel")
    data = change_form_data(use_case, title_de="Neuer Titel", industries=["automotive"])
    data.update(
        {
            "problem_statements-TOTAL_FORMS": "1",
            "problem_statements-0-language": "de",
            "problem_statements-0-text": "Unsere Lieferungen kommen immer zu spät.",
            "problem_statements-0-position": "9",
        }
    )

    assert (
        admin_client.post(f"/admin/usecases/usecase/{use_case.pk}/change/", data).status_code == 302
    )

    change = UseCaseChange.objects.get(use_case=use_case)
    assert change.user == admin_user and change.source == UseCaseChange.Source.ADMIN
    assert change.fields["title_de"] == ["Alter Titel", "Neuer Titel"]
    assert change.fields["industries"] == [[], ["automotive"]]
    old, new = change.fields["problem_statements_de"]
    assert new == [*old, "Unsere Lieferungen kommen immer zu spät."]
    assert set(change.fields) == {"title_de", "industries", "problem_statements_de"}
    page = admin_client.get(f"/admin/usecases/usecase/{use_case.pk}/change/").content.decode()
    assert "Alter Titel" in page and "Neuer Titel" in page


# --- Side doors: problem statements, assessments, imports and deletion change what companies
# see of a use case just as its own form does, so the same rule and the same history apply.

PUBLISH_ONLY = "Only editors allowed to publish may change published or retired use cases."


@pytest.fixture
def part_editor(django_user_model):
    """Edits drafts: may add, change and delete problem statements and assessments."""
    return staff_user(
        django_user_model,
        "part-editor",
        *(
            f"{action}_{model}"
            for action in ("view", "add", "change", "delete")
            for model in ("problemstatement", "expertassessment", "usecase")
        ),
    )


@pytest.fixture
def part_publisher(django_user_model):
    return staff_user(
        django_user_model,
        "part-publisher",
        "publish_usecase",
        *(
            f"{action}_{model}"
            for action in ("view", "add", "change", "delete")
            for model in ("problemstatement", "expertassessment", "usecase")
        ),
    )


def statement_form(statement, **changes: object) -> dict[str, object]:
    data = {
        "use_case": statement.use_case_id,
        "language": statement.language,
        "text": statement.text,
        "position": statement.position,
    }
    data.update(changes)
    return data


def assessment_form(use_case, **changes: object) -> dict[str, object]:
    data = {
        "use_case": use_case.pk,
        "assessor": "Prof. Dr. Kurz",
        "assessed_on": "2026-11-28",
        "revenue": 5,
        "company_value": 5,
        "cost_reduction": 5,
    }
    data.update(changes)
    return data


def history(use_case) -> list[UseCaseChange]:
    return list(UseCaseChange.objects.filter(use_case=use_case).order_by("id"))


def test_an_editor_cannot_edit_a_published_use_cases_problem_statement_on_its_own_page(
    client, part_editor
):
    published = make_use_case(status=UseCase.Status.PUBLISHED)
    statement = published.problem_statements.first()
    client.force_login(part_editor)

    response = client.post(
        f"/admin/usecases/problemstatement/{statement.pk}/change/",
        statement_form(statement, text="Our machines are fine, buy nothing."),
    )

    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.text != "Our machines are fine, buy nothing."
    assert history(published) == []


@pytest.mark.parametrize("kind", ["problemstatement", "expertassessment"])
def test_an_editor_cannot_add_a_problem_statement_or_assessment_to_a_published_use_case(
    client, part_editor, kind
):
    published = make_use_case(status=UseCase.Status.PUBLISHED)
    make_assessment(
        published, revenue=2, company_value=2, cost_reduction=2, editorial_estimate=True
    )
    overall = published.value_potential.overall
    statements = published.problem_statements.count()
    client.force_login(part_editor)
    form = (
        statement_form(published.problem_statements.first(), text="A brand new problem.")
        if kind == "problemstatement"
        else assessment_form(published)
    )

    response = client.post(f"/admin/usecases/{kind}/add/", form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["use_case"] == [PUBLISH_ONLY]
    published = UseCase.objects.get(pk=published.pk)
    assert published.value_potential.overall == overall == 2
    assert published.problem_statements.count() == statements
    assert history(published) == []


def test_an_editor_cannot_move_a_draft_problem_statement_into_a_published_use_case(
    client, part_editor
):
    draft = make_use_case(status=UseCase.Status.DRAFT)
    published = make_use_case(status=UseCase.Status.PUBLISHED)
    statement = draft.problem_statements.first()
    client.force_login(part_editor)

    response = client.post(
        f"/admin/usecases/problemstatement/{statement.pk}/change/",
        statement_form(statement, use_case=published.pk),
    )

    assert response.context["adminform"].form.errors["use_case"] == [PUBLISH_ONLY]
    statement.refresh_from_db()
    assert statement.use_case == draft


@pytest.mark.parametrize("kind", ["problemstatement", "expertassessment"])
def test_an_editor_cannot_delete_a_published_use_cases_problem_statement_or_assessment(
    client, part_editor, kind
):
    published = make_use_case(status=UseCase.Status.PUBLISHED)
    make_assessment(published)
    part = published.problem_statements if kind == "problemstatement" else published.assessments
    first = part.first()
    count = part.count()
    client.force_login(part_editor)

    one = client.post(f"/admin/usecases/{kind}/{first.pk}/delete/", {"post": "yes"})
    bulk = client.post(
        f"/admin/usecases/{kind}/",
        {"action": "delete_selected", "_selected_action": [first.pk], "post": "yes"},
    )

    assert one.status_code == bulk.status_code == 403
    assert part.count() == count
    assert history(published) == []


def test_an_editor_edits_a_drafts_problem_statements_and_assessments_with_history(
    client, part_editor
):
    draft = make_use_case(status=UseCase.Status.DRAFT)
    statement = draft.problem_statements.filter(language="en").first()
    client.force_login(part_editor)

    changed = client.post(
        f"/admin/usecases/problemstatement/{statement.pk}/change/",
        statement_form(statement, text="Our invoices pile up on the desk."),
    )
    added = client.post("/admin/usecases/expertassessment/add/", assessment_form(draft))

    assert changed.status_code == added.status_code == 302
    first, second = history(draft)
    assert first.user == second.user == part_editor
    assert first.source == second.source == UseCaseChange.Source.ADMIN
    old, new = first.fields["problem_statements_en"]
    assert statement.text in old and "Our invoices pile up on the desk." in new
    assert second.fields["assessments"] == [
        [],
        ["Prof. Dr. Kurz, 2026-11-28: revenue 5, company value 5, cost reduction 5"],
    ]


def test_a_publisher_changes_a_published_use_cases_assessments_and_statements_with_history(
    client, part_publisher
):
    published = make_use_case(status=UseCase.Status.PUBLISHED)
    make_assessment(published, assessor="Dr. Lang", revenue=2, company_value=2, cost_reduction=2)
    make_assessment(published, assessor="Dr. Ost", revenue=2, company_value=2, cost_reduction=2)
    statement = published.problem_statements.filter(language="de").first()
    client.force_login(part_publisher)

    added = client.post("/admin/usecases/expertassessment/add/", assessment_form(published))
    deleted = client.post(
        f"/admin/usecases/problemstatement/{statement.pk}/delete/", {"post": "yes"}
    )

    assert added.status_code == deleted.status_code == 302
    # The third expert assessment makes the experts' mean the public figure (issue 19).
    assert UseCase.objects.get(pk=published.pk).value_potential.overall == 3.0
    assessment, removal = history(published)
    assert assessment.user == part_publisher
    lang = "Dr. Lang, 2026-11-01: revenue 2, company value 2, cost reduction 2"
    ost = "Dr. Ost, 2026-11-01: revenue 2, company value 2, cost reduction 2"
    kurz = "Prof. Dr. Kurz, 2026-11-28: revenue 5, company value 5, cost reduction 5"
    old, new = assessment.fields["assessments"]
    assert sorted(old) == sorted([lang, ost])
    assert sorted(new) == sorted([lang, ost, kurz])
    old, new = removal.fields["problem_statements_de"]
    assert statement.text in old and statement.text not in new and len(new) == len(old) - 1
    page = client.get(f"/admin/usecases/usecase/{published.pk}/change/").content.decode()
    assert "Prof. Dr. Kurz, 2026-11-28" in page


def test_an_assessment_added_inline_on_a_published_use_case_is_recorded(client, part_publisher):
    published = make_use_case(status=UseCase.Status.PUBLISHED)
    data = change_form_data(published)
    data.update(
        {
            "assessments-TOTAL_FORMS": "1",
            **{
                f"assessments-0-{name}": value
                for name, value in assessment_form(published).items()
                if name != "use_case"
            },
        }
    )
    client.force_login(part_publisher)

    response = client.post(f"/admin/usecases/usecase/{published.pk}/change/", data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    [change] = history(published)
    assert change.fields == {
        "assessments": [
            [],
            ["Prof. Dr. Kurz, 2026-11-28: revenue 5, company value 5, cost reduction 5"],
        ]
    }


def import_rows(resource_class, rows: list[dict[str, object]], user, *, dry_run: bool = False):
    dataset = tablib.Dataset(headers=list(rows[0]))
    for row in rows:
        dataset.append(list(row.values()))
    return resource_class().import_data(dataset, dry_run=dry_run, user=user)


def test_importing_a_published_use_cases_statements_or_assessments_needs_the_publish_permission(
    part_editor, part_publisher
):
    published = make_use_case(status=UseCase.Status.PUBLISHED)
    statement = {
        "use_case": published.slug,
        "language": "en",
        "text": "Imported: our forklifts crash into racks.",
        "position": 9,
        "from_catalog": 0,
    }
    assessment = {
        "use_case": published.slug,
        "assessor": "Imported Expert",
        "assessed_on": "2026-11-28",
        "editorial_estimate": 0,
        "revenue": 5,
        "company_value": 5,
        "cost_reduction": 5,
        "comment_en": "",
        "comment_de": "",
    }

    for resource_class, row in (
        (ProblemStatementResource, statement),
        (ExpertAssessmentResource, assessment),
    ):
        recorded = len(history(published))
        refused = import_rows(resource_class, [row], part_editor)
        assert [str(e) for e in refused.invalid_rows[0].error.messages] == [PUBLISH_ONLY]
        assert len(history(published)) == recorded

        accepted = import_rows(resource_class, [row], part_publisher)
        assert accepted.totals["new"] == 1

    statements, assessments = history(published)
    assert statements.source == assessments.source == UseCaseChange.Source.IMPORT
    assert statements.user == assessments.user == part_publisher
    assert (
        "Imported: our forklifts crash into racks." in statements.fields["problem_statements_en"][1]
    )
    assert assessments.fields["assessments"][1] == [
        "Imported Expert, 2026-11-28: revenue 5, company value 5, cost reduction 5"
    ]


def test_an_import_of_a_drafts_statements_is_one_history_entry_per_use_case(part_editor):
    draft = make_use_case(status=UseCase.Status.DRAFT)
    rows = [
        {
            "use_case": draft.slug,
            "language": "de",
            "text": f"Importiert {n}",
            "position": n,
            "from_catalog": 0,
        }
        for n in range(3)
    ]

    assert import_rows(ProblemStatementResource, rows, part_editor).totals["new"] == 3

    [change] = history(draft)
    old, new = change.fields["problem_statements_de"]
    assert set(new) - set(old) == {"Importiert 0", "Importiert 1", "Importiert 2"}
    assert set(change.fields) == {"problem_statements_de"}


def test_nobody_deletes_a_published_use_case_it_is_retired_first(
    client, part_editor, part_publisher
):
    published = make_use_case(status=UseCase.Status.PUBLISHED)
    draft = make_use_case(status=UseCase.Status.DRAFT)

    for user in (part_editor, part_publisher):
        client.force_login(user)
        page = client.get(f"/admin/usecases/usecase/{published.pk}/change/").content.decode()
        assert f"/admin/usecases/usecase/{published.pk}/delete/" not in page
        one = client.post(f"/admin/usecases/usecase/{published.pk}/delete/", {"post": "yes"})
        bulk = client.post(
            "/admin/usecases/usecase/",
            {
                "action": "delete_selected",
                "_selected_action": [published.pk, draft.pk],
                "post": "yes",
            },
        )
        assert one.status_code == bulk.status_code == 403
        assert UseCase.objects.filter(pk__in=[published.pk, draft.pk]).count() == 2
    confirmation = client.post(
        "/admin/usecases/usecase/",
        {"action": "delete_selected", "_selected_action": [published.pk]},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert "veröffentlichte Anwendungsfälle (ziehen Sie sie zuerst zurück)" in (
        confirmation.content.decode()
    )

    # Retiring takes it off the site and is recorded; then a publisher may delete it.
    assert move(client, published, UseCase.Status.RETIRED).status_code == 302
    assert history(published)[-1].fields == {"status": ["published", "retired"]}
    client.force_login(part_editor)
    assert (
        client.post(f"/admin/usecases/usecase/{published.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.force_login(part_publisher)
    assert (
        client.post(f"/admin/usecases/usecase/{published.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not UseCase.objects.filter(pk=published.pk).exists()


def test_an_editor_deletes_a_draft(client, part_editor):
    draft = make_use_case(status=UseCase.Status.DRAFT)
    client.force_login(part_editor)

    response = client.post(
        "/admin/usecases/usecase/",
        {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not UseCase.objects.filter(pk=draft.pk).exists()
