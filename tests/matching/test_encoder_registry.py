"""Every registered model carries its own calibration; an unregistered one is refused."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured

from matching import ranking
from matching.encoders import MODELS, load_encoder, model_spec

# A problem, the same problem in other words, and an unrelated sentence, per language.
TRIPLES = {
    "en": (
        "Our machines break down without warning and production stops for hours.",
        "Equipment fails suddenly and the line stands still for a long time.",
        "My daughter wants to learn the piano next summer.",
    ),
    "de": (
        "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht stundenlang.",
        "Die Anlagen gehen plötzlich kaputt und die Linie steht lange still.",
        "Meine Tochter möchte im nächsten Sommer Klavier lernen.",
    ),
}


@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "language"),
    [(spec.name, language) for spec in MODELS.values() for language in spec.languages],
)
def test_each_registered_model_maps_a_paraphrase_high_and_an_unrelated_text_low(name, language):
    encoder = load_encoder(name)
    problem, paraphrase, unrelated = TRIPLES[language]
    query = encoder.encode_queries([problem])[0]
    passages = encoder.encode_passages([paraphrase, unrelated], batch_size=2)

    same, other = ranking.calibrated(passages @ query, encoder.spec.similarity_range)

    assert same >= 0.5, f"{name}: paraphrase calibrated to {same:.2f}"
    assert other <= 0.2, f"{name}: unrelated text calibrated to {other:.2f}"
    assert same - other >= 0.4
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-4)


def test_an_unregistered_model_is_refused_with_the_registered_names():
    with pytest.raises(ImproperlyConfigured, match="all-MiniLM-L6-v2"):
        model_spec("someone/unknown-model")


def test_every_model_states_its_calibration():
    for spec in MODELS.values():
        floor, ceiling = spec.similarity_range
        assert 0 <= floor < ceiling <= 1
        assert 0 < spec.low_confidence_below < 1
        # A lead over the off-topic examples, small against the model's own similarity range.
        assert 0 <= spec.catalog_lead_min < (ceiling - floor) / 2
        assert spec.low_confidence_below < spec.problem_min_relevance <= 1
        assert spec.max_characters > 0
