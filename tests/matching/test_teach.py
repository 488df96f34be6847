"""Learning from use: an editor turns a stored company query into a problem statement of the
use case it should have found; it is embedded at once and recorded in the change history."""

from __future__ import annotations

import pytest

from matching import indexing
from matching.models import ResultFeedback, TextEmbedding
from matching.services import MatchRequest, match
from tests.factories import make_submission, make_use_case, stored_result
from tests.usecases.test_editorial_workflow import staff_user
from usecases.models import ProblemStatement, UseCase, UseCaseChange

pytestmark = pytest.mark.django_db

COMPANY_WORDS = "The spindle of our machining centre keeps failing at the worst moment"
SLUG = "machine-failure-early-warning-sensor-data"


def teach_url(submission) -> str:
    return f"/admin/matching/submission/{submission.pk}/teach/"


@pytest.fixture
def publisher(django_user_model):
    return staff_user(
        django_user_model,
        "teacher",
        "view_submission",
        "view_usecase",
        "change_usecase",
        "publish_usecase",
    )


@pytest.mark.model
def test_a_query_becomes_a_problem_statement_embedded_at_once_with_history(
    client, catalog, own_index_dir, publisher, django_capture_on_commit_callbacks
):
    indexing.rebuild_index()  # in this test's own directory
    use_case = UseCase.objects.get(slug=SLUG)
    submission = match(MatchRequest(COMPANY_WORDS)).query_id
    client.force_login(publisher)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/matching/submission/{submission}/teach/",
            {"use_case": use_case.pk, "language": "en", "text": COMPANY_WORDS},
        )

    assert response.status_code == 302
    statement = ProblemStatement.objects.get(use_case=use_case, text=COMPANY_WORDS)
    assert statement.language == "en"
    change = UseCaseChange.objects.filter(use_case=use_case).latest("changed_at")
    assert change.source == UseCaseChange.Source.QUERY
    assert change.user == publisher
    assert COMPANY_WORDS in change.fields["problem_statements_en"][1]
    assert TextEmbedding.objects.filter(use_case=use_case, text=COMPANY_WORDS).exists()
    use_case.refresh_from_db()
    assert use_case.embedding_status == UseCase.EmbeddingStatus.CURRENT


@pytest.fixture
def published_use_cases() -> None:
    """The use case the query should have found and another one, both published: the tests
    below never match or embed, so they need no real catalog (set aside where the session
    stored it: the test rolls back)."""
    UseCase.objects.filter(slug=SLUG).delete()
    make_use_case(slug=SLUG)
    make_use_case()


def test_the_form_preselects_the_result_the_company_rated_helpful(
    client, published_use_cases, publisher
):
    helpful = UseCase.objects.get(slug=SLUG)
    first = UseCase.objects.exclude(pk=helpful.pk).first()
    submission = make_submission(
        text=COMPANY_WORDS,
        results=[stored_result(first, 1), stored_result(helpful, 2)],
    )
    ResultFeedback.objects.create(submission=submission, use_case_slug=helpful.slug, helpful=True)
    client.force_login(publisher)

    page = client.get(teach_url(submission)).content.decode()

    assert f'<option value="{helpful.pk}" selected>' in page
    assert COMPANY_WORDS in page


def test_an_editor_without_the_publish_permission_cannot_teach_a_published_use_case(
    client, published_use_cases, django_user_model
):
    editor = staff_user(django_user_model, "editor", "view_submission", "change_usecase")
    use_case = UseCase.objects.get(slug=SLUG)
    before = use_case.problem_statements.count()
    client.force_login(editor)

    response = client.post(
        teach_url(make_submission(text=COMPANY_WORDS)),
        {"use_case": use_case.pk, "language": "en", "text": COMPANY_WORDS},
    )

    assert response.status_code == 400
    assert "Only editors allowed to publish may change published" in response.content.decode()
    assert use_case.problem_statements.count() == before
    assert not UseCaseChange.objects.filter(use_case=use_case).exists()


def test_a_duplicate_or_overlong_statement_is_refused_and_nothing_stored(
    client, published_use_cases, publisher
):
    use_case = UseCase.objects.get(slug=SLUG)
    existing = use_case.problem_statements.filter(language="en").first()
    before = use_case.problem_statements.count()
    client.force_login(publisher)
    url = teach_url(make_submission(text=existing.text))

    duplicate = client.post(url, {"use_case": use_case.pk, "language": "en", "text": existing.text})
    overlong = client.post(url, {"use_case": use_case.pk, "language": "en", "text": "x" * 501})

    assert duplicate.status_code == overlong.status_code == 400
    assert "already has this problem statement" in duplicate.content.decode()
    assert use_case.problem_statements.count() == before


def test_someone_who_may_not_read_queries_cannot_open_the_teach_page(
    client, published_use_cases, django_user_model
):
    editor = staff_user(django_user_model, "editor", "change_usecase", "publish_usecase")
    client.force_login(editor)

    response = client.get(teach_url(make_submission()))

    assert response.status_code == 403
