"""The use case form for editors: code lists as checkboxes, compact assessment rows and the
"try a problem" box beside the form."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from tests.factories import make_assessment, make_use_case
from tests.usecases.test_editorial_workflow import change_form_data
from usecases.models import UseCase

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture
def editor_client(client):
    client.force_login(User.objects.create_superuser("editor", "e@matcher.example", "pw"))
    return client


def change_url(use_case: UseCase) -> str:
    return f"/admin/usecases/usecase/{use_case.pk}/change/"


def test_code_lists_are_checkboxes_with_their_labels_not_json(editor_client):
    use_case = make_use_case(status=UseCase.Status.DRAFT, industries=["automotive"])

    page = editor_client.get(change_url(use_case), **GERMAN).content.decode()

    for name in ("business_functions", "industries", "ai_techniques", "obstacles"):
        assert f'<textarea name="{name}"' not in page
        assert f'type="checkbox" name="{name}"' in page
    [automotive] = re.findall(
        r'<input type="checkbox" name="industries" value="automotive"[^>]*>', page
    )
    assert "checked" in automotive
    assert "Instandhaltung" in page  # a business function's German label


def test_ticked_boxes_are_saved_as_code_lists(editor_client):
    use_case = make_use_case(status=UseCase.Status.DRAFT)
    data = change_form_data(
        use_case, industries=["automotive", "wholesale"], obstacles=["data_quality"]
    )

    response = editor_client.post(change_url(use_case), data)

    assert response.status_code == 302
    use_case.refresh_from_db()
    assert use_case.industries == ["automotive", "wholesale"]
    assert use_case.obstacles == ["data_quality"]


def test_an_unknown_code_is_refused(editor_client):
    use_case = make_use_case(status=UseCase.Status.DRAFT)

    response = editor_client.post(
        change_url(use_case), change_form_data(use_case, industries=["x"])
    )

    assert response.status_code == 200  # the form again, with the error
    use_case.refresh_from_db()
    assert use_case.industries == []


def test_assessment_rows_are_compact(editor_client):
    use_case = make_use_case(status=UseCase.Status.DRAFT)
    make_assessment(use_case)

    page = editor_client.get(change_url(use_case)).content.decode()

    assert "compact-assessments" in page
    assert 'class="score-input"' in page
    assert 'rows="2"' in page


def test_the_try_a_problem_box_sits_beside_the_form(editor_client):
    use_case = make_use_case(status=UseCase.Status.DRAFT)

    page = editor_client.get(change_url(use_case)).content.decode()

    editor = page.split('<div class="usecase-editor">')[1]
    form_part, aside = editor.split('<aside class="module try-a-problem"', 1)
    assert 'name="_save"' in form_part
    assert f'action="/admin/usecases/usecase/{use_case.pk}/preview/"' in aside
    assert 'id="try-a-problem-result"' in aside
    assert "js/admin-usecase-preview" in page
