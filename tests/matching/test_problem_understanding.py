"""What the matcher understands beyond ranking: texts that are no business problem, several
problems in one description, and the bounded cost of a long one. Real models, real catalog."""

from __future__ import annotations

import pytest

from matching import services
from matching.encoders import get_encoder
from matching.models import Submission
from matching.services import MatchRequest, match
from matching.text import MAX_SEGMENTS, SEGMENT_CHARACTERS

pytestmark = [pytest.mark.django_db, pytest.mark.model]

NOT_A_PROBLEM = [
    "Hello, is anybody there?",
    "What will the weather be like in Hamburg tomorrow?",
    "Who won the football match last night?",
    "asdf qwer zxcv uiop",
    "invoice",
    "Hallo, wie geht es Ihnen heute?",
    "Wer hat gestern das Spiel gewonnen?",
    "Kennt jemand ein gutes Rezept für Apfelkuchen?",
]
GENUINE = [
    "Our machines break down without warning and production stands still for hours.",
    "We type supplier invoices and delivery notes into our ERP system by hand.",
    "Unsere Kunden rufen ständig an und fragen, wo ihre Lieferung bleibt.",
    "Wir werfen jede Woche Ware weg, weil wir zu viel bestellt haben.",
]
TWO_PROBLEMS = {
    "en": (
        "We run a print shop with 30 people. Our printing presses break down without any "
        "warning and then jobs are late. Besides that, our office types every supplier invoice "
        "into the accounting system by hand, which takes two days a month.",
        {"predictive-maintenance", "document-processing"},
    ),
    "de": (
        "Wir sind eine Spedition mit 80 Lkw. Die Touren planen wir jeden Morgen von Hand und "
        "fahren viele Umwege. Außerdem tippen wir alle Lieferscheine und Rechnungen der "
        "Subunternehmer händisch ins System ab.",
        {"logistics-warehouse", "document-processing"},
    ),
}
ONE_PROBLEM_IN_SEVERAL_SENTENCES = (
    "Our machines break down without warning. Then the whole line stands still for hours. "
    "Every stoppage costs us overtime and rush orders for spare parts."
)


def test_texts_that_are_no_business_problem_are_mostly_answered_with_low_confidence(catalog):
    confident = [t for t in NOT_A_PROBLEM if not match(MatchRequest(t, store=False)).low_confidence]

    # make evaluate measures the rate on 80 such texts (test_off_topic.py checks every kind);
    # a greeting, a single word and gibberish are always among the flagged ones.
    assert len(confident) <= 2, confident
    assert not {"Hello, is anybody there?", "invoice", "asdf qwer zxcv uiop"} & set(confident)


@pytest.mark.parametrize("text", GENUINE)
def test_a_genuine_problem_is_answered_with_confidence(catalog, text):
    assert not match(MatchRequest(text, store=False)).low_confidence


@pytest.mark.parametrize("language", sorted(TWO_PROBLEMS))
def test_two_problems_in_one_description_get_a_group_each_and_are_stored(client, catalog, language):
    text, clusters = TWO_PROBLEMS[language]

    response = client.post("/api/v1/match", {"text": text}, content_type="application/json")

    answer = response.json()
    assert answer["language"] == language
    groups = answer["groups"]
    assert len(groups) == 2
    assert {g["results"][0]["use_case"]["cluster"]["slug"] for g in groups} == clusters
    assert all(g["text"] and g["text"] in " ".join(text.split()) for g in groups)
    merged_clusters = {r["use_case"]["cluster"]["slug"] for r in answer["results"][:5]}
    assert clusters <= merged_clusters
    assert Submission.objects.get(pk=answer["query_id"]).groups == groups


def test_one_problem_told_in_several_sentences_is_never_split(catalog):
    result = match(MatchRequest(ONE_PROBLEM_IN_SEVERAL_SENTENCES, store=False))

    assert result.groups == []
    assert result.results[0].use_case.cluster.slug == "predictive-maintenance"


def test_a_sentence_that_is_no_problem_of_its_own_is_not_split_off(catalog):
    # Before, the sentence about the weather and the season matched the use cases of another
    # cluster on its own and became a second "problem"; read alone it is context, not a problem.
    text = (
        "We are a regional wholesaler for building materials. Demand swings with the weather "
        "and the construction season and our purchasers order from gut feeling. Last year we "
        "had too much insulation and too little cement."
    )
    result = match(MatchRequest(text, store=False))

    assert result.groups == []
    assert result.results[0].use_case.cluster.slug == "demand-supply-planning"


def test_a_long_description_reaches_the_encoder_in_bounded_pieces(catalog, monkeypatch):
    encoder = get_encoder("de")
    received: list[list[str]] = []
    model = encoder._model

    class Recording:
        """The real model, recording what it is asked to encode."""

        def query(self, texts: list[str]):
            received.append(texts)
            return model.query(texts)

    monkeypatch.setattr(encoder, "_model", Recording())
    sentence = "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht still. "
    text = (sentence * 80)[: services.MAX_TEXT_LENGTH]

    result = match(MatchRequest(text, store=False))

    assert result.results[0].use_case.cluster.slug == "predictive-maintenance"
    (inputs,) = received
    # Longer than the model reads: the parts stand for the whole, each cut short.
    assert len(inputs) <= MAX_SEGMENTS
    assert all(len(part) <= SEGMENT_CHARACTERS for part in inputs)
