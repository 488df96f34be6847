"""What a result card says beyond the stored snapshot: the company's own words marked, the closest
problem statement (never the title), what the score is made of, providers by fit, and the
one-sentence answer."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import translation

from matching.explain import Vocabulary, explain, mark
from matching.presentation import Ordering, answer_summary, providers_by_fit, score_explanation
from matching.schemas import ProblemResults, RankedUseCase, ResultCluster, ResultUseCase
from matching.text import Decompounder, tokenize
from tests.factories import make_provider
from usecases.models import ValuePotential

CATALOG = {
    1: [
        ("title", "Vorausschauende Instandhaltung"),
        ("problem_statement", "Die Spindel fällt ohne Ankündigung aus."),
        ("problem_statement", "Ein Ausfall der Anlage legt die Produktion lahm."),
    ],
    2: [("title", "Rechnungen erfassen"), ("problem_statement", "Wir tippen Rechnungen ab.")],
    3: [("title", "Kundenservice"), ("problem_statement", "Das Telefon klingelt pausenlos.")],
}


def german_vocabulary() -> Vocabulary:
    texts = [text for entries in CATALOG.values() for _kind, text in entries]
    decompounder = Decompounder(texts, "de")
    terms_of = {
        pk: frozenset(t for _kind, text in entries for t in tokenize(text, "de", decompounder))
        for pk, entries in CATALOG.items()
    }
    statements = {
        pk: [text for kind, text in entries if kind == "problem_statement"]
        for pk, entries in CATALOG.items()
    }
    counts = Counter(term for terms in terms_of.values() for term in terms)
    return Vocabulary("de", terms_of, statements, counts, decompounder)


def marked(pieces) -> list[str]:
    return [piece.text for piece in pieces if piece.marked]


def test_a_compound_word_is_marked_when_its_parts_are_the_use_cases_words():
    vocabulary = german_vocabulary()

    pieces = mark("Unser Spindelausfall kostet Geld.", vocabulary.terms_of[1], vocabulary)

    assert marked(pieces) == ["Spindelausfall"]
    assert "".join(piece.text for piece in pieces) == "Unser Spindelausfall kostet Geld."


def test_neighbouring_marked_words_form_one_phrase():
    vocabulary = german_vocabulary()

    pieces = mark("Die Produktion Anlage steht.", vocabulary.terms_of[1], vocabulary)

    assert marked(pieces) == ["Produktion Anlage"]


def test_the_closest_problem_statement_is_never_the_title():
    vocabulary = german_vocabulary()

    explanation = explain(
        "Unsere Spindel fällt dauernd aus.",
        1,
        ["Vorausschauende Instandhaltung", "Die Spindel fällt ohne Ankündigung aus."],
        vocabulary,
    )

    assert explanation.statement == "Die Spindel fällt ohne Ankündigung aus."
    assert explanation.marked_words == ["Spindel fällt"]


def test_without_a_matched_statement_the_one_sharing_most_words_is_shown():
    vocabulary = german_vocabulary()

    explanation = explain("Der Ausfall der Anlage kostet uns Tage.", 1, [], vocabulary)

    assert explanation.statement == "Ein Ausfall der Anlage legt die Produktion lahm."


def test_a_description_sharing_no_word_has_no_marked_sentence():
    vocabulary = german_vocabulary()

    explanation = explain("Hallo, ist da jemand?", 2, [], vocabulary)

    assert explanation.sentences == []
    assert explanation.statement == "Wir tippen Rechnungen ab."


def result(
    relevance: float, *, overall: float = 3.0, fits: int = 0, title: str = "T"
) -> RankedUseCase:
    return RankedUseCase(
        rank=1,
        relevance=relevance,
        score=relevance,
        use_case=ResultUseCase(
            slug="t", title=title, summary="", cluster=ResultCluster(slug="c", name="C")
        ),
        value_potential=ValuePotential(overall, overall, overall, overall, 1, True),
        matched_on=[],
        providers=[],
        fits={"industry": True} if fits else {},
    )


def test_the_score_explanation_names_both_weights():
    with translation.override("en"):
        text = score_explanation(result(0.74, overall=4), Ordering("balanced", 0.1), 0.74)

    assert text == "Fit 74 % (counts 90 %) · value for “Balanced” 4 of 5 (counts 10 %)."


def test_the_score_explanation_says_when_value_did_not_count():
    with translation.override("de"):
        text = score_explanation(result(0.3), Ordering("revenue", 0.5), 0.8)

    assert "Der Wert zählt hier nicht" in text


@pytest.mark.django_db
def test_providers_in_the_descriptions_language_and_for_the_companys_size_come_first():
    english_only = make_provider(name="A", languages=["en"], company_sizes=["small"])
    too_big = make_provider(name="B", languages=["de"], company_sizes=["large"])
    fitting = make_provider(name="C", languages=["de", "en"], company_sizes=["small"])

    with translation.override("de"):
        fitted, note = providers_by_fit([english_only, too_big, fitting], "de", "small")

    assert [f.provider for f in fitted] == [fitting, too_big, english_only]
    assert note == ""


@pytest.mark.django_db
def test_the_page_says_when_no_provider_fits():
    english_only = make_provider(languages=["en"], company_sizes=["small"])

    with translation.override("de"):
        _fitted, note = providers_by_fit([english_only], "de", "small")

    assert note == (
        "Keiner dieser Anbieter arbeitet auf Deutsch und zugleich für Unternehmen Ihrer Größe "
        "(10 bis 49 Beschäftigte)."
    )


def test_the_answer_names_the_best_use_case_of_each_problem():
    groups = [
        ProblemResults(text="a", results=[result(0.8, title="Tourenplanung")]),
        ProblemResults(text="b", results=[result(0.7, title="Belege erfassen")]),
    ]

    with translation.override("de"):
        summary = answer_summary([object()], groups, low_confidence=False)  # type: ignore[list-item]

    assert summary == (
        "Sie beschreiben 2 Probleme; am besten passt jeweils: „Tourenplanung“; „Belege erfassen“."
    )
