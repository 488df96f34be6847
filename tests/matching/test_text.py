from __future__ import annotations

import numpy as np
import pytest

from matching.text import (
    BM25,
    MAX_SEGMENTS,
    Decompounder,
    detect_language,
    split_segments,
    split_sentences,
    tokenize,
    tokenize_all,
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Unsere Maschinen fallen ohne Vorwarnung aus", "de"),
        ("Wir tippen Lieferscheine von Hand ab", "de"),
        ("Our machines break down without warning", "en"),
        ("We type delivery notes by hand", "en"),
        ("Kühlung", "de"),
        ("Rechnungen abtippen dauert ewig", "de"),
        ("Maschinenausfall Prognose Pumpen", "de"),
        ("Supplier invoices typed manually", "en"),
        ("machine failures prediction", "en"),
        ("invoice capture ERP", "en"),
        ("asdkjh qwe zzzxq blorp vrrt", "en"),
    ],
)
def test_it_tells_german_from_english(text, language):
    assert detect_language(text) == language


def test_stemming_matches_singular_and_plural_in_german():
    assert tokenize("Lieferscheine", "de") == tokenize("Lieferschein", "de")


def test_stopwords_are_dropped():
    assert tokenize("the invoices and the orders", "en") == tokenize("invoices orders", "en")


def test_bm25_prefers_the_document_with_the_rare_query_term():
    index = BM25([tokenize(t, "en") for t in ["OCR of scanned forms", "forms for staff", "staff"]])

    scores = index.scores(tokenize("OCR forms", "en"))

    assert scores.argmax() == 0
    assert scores[2] == 0


def test_sentences_are_split_at_full_stops_before_capitals():
    assert split_sentences("It reads invoices. It needs 50 examples. z.B. this stays.") == [
        "It reads invoices.",
        "It needs 50 examples. z.B. this stays.",
    ]


CATALOG_WORDS = ["Die Spindel der Fräsmaschine", "Ein Ausfall kostet Geld", "Rechnung und Eingang"]


def test_compounds_are_split_into_the_parts_the_catalog_uses():
    splitter = Decompounder(CATALOG_WORDS, "de")

    assert set(splitter.parts("spindelausfall")) == {"ausfall", "spindel"}
    assert set(splitter.parts("rechnungseingang")) == {"eingang", "rechnung"}  # Fugen-s dropped
    assert splitter.parts("kühlhausausfall") == ("ausfall",)  # "kühlhaus" is no catalog word
    assert splitter.parts("geld") == ()  # too short to be a compound


def test_a_decompounded_query_finds_the_document_with_the_separate_words():
    splitter = Decompounder(CATALOG_WORDS, "de")
    documents = [tokenize(t, "de", splitter) for t in CATALOG_WORDS]

    plain = BM25(documents).scores(tokenize("Spindelausfall", "de"))
    split = BM25(documents).scores(tokenize("Spindelausfall", "de", splitter))

    assert not plain.any()
    assert split.argmax() in (0, 1) and split[2] == 0


def test_one_problem_in_one_sentence_is_one_segment():
    assert split_segments("Our machines break down without warning.") == [
        "Our machines break down without warning."
    ]


def test_short_sentences_join_their_neighbour_and_long_texts_keep_at_most_four_parts():
    text = "Hi. We are a bakery with 40 staff. Our ovens fail often and we lose batches. " * 4
    segments = split_segments(text)

    assert len(segments) == MAX_SEGMENTS
    assert all(len(segment.split()) >= 6 for segment in segments)
    assert " ".join(segments).split() == text.split()


def test_bullet_points_are_parts_of_their_own():
    text = (
        "Two things bother us:\n- supplier invoices are typed into the ERP by hand\n"
        "- our forklifts nearly hit people in the warehouse every week"
    )
    segments = split_segments(text)

    assert len(segments) == 2
    assert segments[1].startswith("our forklifts")


DOCUMENTS = [
    ["ocr", "scan", "form", "form"],
    ["form", "staff"],
    ["staff", "shift", "plan", "staff"],
    [],
]
QUERIES = [["ocr", "form"], ["staff", "plan", "unknown"], ["form", "form", "shift"], []]


def test_bm25_over_grouped_texts_scores_as_one_document_per_group():
    texts = [["ocr", "scan"], ["staff", "shift"], ["form", "form"], ["plan", "staff"], ["form"]]
    grouped = BM25.grouped([*texts, ["staff"]], np.array([0, 2, 0, 2, 1, 1]), size=4)

    for query in QUERIES:
        assert grouped.scores(query).tolist() == BM25(DOCUMENTS).scores(query).tolist()


@pytest.mark.parametrize("position", [0, 2, 4])
def test_bm25_with_a_document_replaced_or_added_scores_as_if_built_with_it(position):
    changed = [*DOCUMENTS, []] if position == 4 else [*DOCUMENTS]
    changed[position] = ["shift", "novel", "form"]

    variant = BM25(DOCUMENTS).with_document(position, ["shift", "novel", "form"])

    assert variant.size == len(changed)
    for query in [*QUERIES, ["novel"]]:
        assert variant.scores(query).tolist() == BM25(changed).scores(query).tolist()


def test_bm25_knows_each_documents_terms_and_in_how_many_documents_a_term_occurs():
    index = BM25(DOCUMENTS)

    assert index.terms_of(2) == {"staff", "shift", "plan"}
    assert index.terms_of(3) == frozenset()
    assert index.document_frequency("form") == 2
    assert index.document_frequency("unknown") == 0


def test_tokenizing_many_texts_at_once_gives_each_texts_terms():
    texts = [*CATALOG_WORDS, "Der Spindelausfall und die Spindel", "", "Unsere Maschinen"]
    splitter = Decompounder(CATALOG_WORDS, "de")

    assert list(tokenize_all(texts, "de", splitter)) == [
        tokenize(text, "de", splitter) for text in texts
    ]
