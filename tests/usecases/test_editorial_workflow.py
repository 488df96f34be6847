"""Draft, published, retired: who may move a use case where, and the history of every change."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests.factories import make_cluster, make_use_case
from usecases.models import UseCase, UseCaseChange

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
