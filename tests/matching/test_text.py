from __future__ import annotations

import pytest

from matching.text import BM25, detect_language, split_sentences, tokenize


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
