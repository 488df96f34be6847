"""Only changed texts are ever encoded again; a model change re-encodes everything it touches."""

from __future__ import annotations

import pytest
from django.test import override_settings

from matching import indexing
from matching.encoders import load_encoder
from matching.models import TextEmbedding
from matching.services import MatchRequest, match
from usecases.models import ProblemStatement, UseCase

pytestmark = [pytest.mark.django_db, pytest.mark.model, pytest.mark.usefixtures("own_index_dir")]

SLUG = "machine-failure-early-warning-sensor-data"


@pytest.fixture
def counted_encoding(monkeypatch):
    """Counts the texts handed to the encoders, while the real encoders do the work."""
    counted: list[str] = []
    real = indexing._encode

    def counting(texts, batch_size, progress):
        counted.extend(t.text for t in texts)
        return real(texts, batch_size, progress)

    monkeypatch.setattr(indexing, "_encode", counting)
    return counted


def test_an_unchanged_catalog_encodes_nothing(catalog, counted_encoding):
    report = indexing.refresh_embeddings(UseCase.objects.values_list("pk", flat=True))

    assert counted_encoding == []
    assert report.encoded == 0 and not report.changed


def test_editing_one_statement_encodes_only_that_statement(catalog, counted_encoding):
    use_case = UseCase.objects.get(slug=SLUG)
    statement = ProblemStatement.objects.filter(use_case=use_case, language="en").first()
    statement.text = "Our bottling line halts several times a month without any warning."
    statement.save()
    use_case.refresh_from_db()
    assert use_case.embedding_status == UseCase.EmbeddingStatus.STALE

    report = indexing.refresh_embeddings(indexing.use_cases_needing_embedding())

    assert counted_encoding == [statement.text]
    assert report.encoded == 1
    use_case.refresh_from_db()
    assert use_case.embedding_status == UseCase.EmbeddingStatus.CURRENT


def test_an_edited_description_reencodes_only_its_changed_sentences(catalog, counted_encoding):
    use_case = UseCase.objects.get(slug=SLUG)
    use_case.description_de = use_case.description_de + " Ein neuer Schlusssatz zur Wartung."
    use_case.save()

    indexing.refresh_embeddings([use_case.pk])

    assert counted_encoding == ["Ein neuer Schlusssatz zur Wartung."]


def test_an_edit_changes_the_ranking_once_the_index_is_rebuilt(catalog):
    indexing.rebuild_index()  # into this test's own index directory
    text = "Our greenhouse tomatoes get a grey fungus every spring"
    before = [r.use_case.slug for r in match(MatchRequest(text, store=False)).results]
    use_case = UseCase.objects.get(slug="food-produce-grading-foreign-object-detection")
    assert before[0] != use_case.slug
    ProblemStatement.objects.create(
        use_case=use_case,
        language="en",
        text="Our greenhouse tomatoes get a grey fungus in spring.",
    )

    indexing.refresh_and_rebuild(indexing.use_cases_needing_embedding())

    after = [r.use_case.slug for r in match(MatchRequest(text, store=False)).results]
    assert after[0] == use_case.slug


def test_unpublishing_a_use_case_removes_its_vectors_and_its_results(catalog):
    use_case = UseCase.objects.get(slug=SLUG)
    use_case.status = UseCase.Status.RETIRED
    use_case.save()

    report = indexing.refresh_and_rebuild([use_case.pk])

    assert report.removed > 0
    assert not TextEmbedding.objects.filter(use_case=use_case).exists()
    results = match(MatchRequest("Unsere Maschinen fallen ohne Vorwarnung aus", store=False))
    assert SLUG not in [r.use_case.slug for r in results.results]


def test_a_model_change_reencodes_every_text_of_that_language(catalog, counted_encoding):
    english_model = "sentence-transformers/all-MiniLM-L6-v2"
    use_case = UseCase.objects.get(slug=SLUG)
    german_texts = TextEmbedding.objects.filter(use_case=use_case, language="de").count()

    with override_settings(EMBEDDING_MODEL_DE=english_model):
        assert use_case.pk in indexing.use_cases_needing_embedding()
        indexing.refresh_embeddings([use_case.pk])

    assert len(counted_encoding) == german_texts
    assert set(
        TextEmbedding.objects.filter(use_case=use_case, language="de").values_list(
            "model_name", flat=True
        )
    ) == {english_model}
    assert load_encoder(english_model).encode_queries(["probe"]).shape == (1, 384)


def test_an_edit_saved_like_the_admin_does_reaches_the_ranking_at_once(
    catalog, django_capture_on_commit_callbacks
):
    """Embedded default: the save queues the refresh on commit and eager Celery runs it."""
    text = "Our bees keep dying in the orchard and the honey harvest collapses"
    use_case = UseCase.objects.get(slug="camera-counting-goods-livestock-plants")
    indexing.rebuild_index()

    with django_capture_on_commit_callbacks(execute=True):
        use_case.description_en += (
            " It also counts dying bees in orchard hives before the honey harvest collapses."
        )
        use_case.save()

    use_case.refresh_from_db()
    assert use_case.embedding_status == UseCase.EmbeddingStatus.CURRENT
    results = match(MatchRequest(text, store=False)).results
    assert results[0].use_case.slug == use_case.slug
