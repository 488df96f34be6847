"""Ranking logic on hand-made similarities: no model, no database."""

from __future__ import annotations

import numpy as np
import pytest

from matching import ranking

RANGE = (0.15, 0.70)


def combine(dense: list[tuple[int, float]], lexical: dict[int, float], use_case_of_row: list[int]):
    """ranking.combine from hand-written hits: (row, similarity) pairs and row -> BM25 score."""
    rows = np.array([row for row, _ in dense], dtype=np.int64)
    similarities = np.array([similarity for _, similarity in dense], dtype=np.float32)
    scores = np.zeros(len(use_case_of_row), dtype=np.float32)
    for row, score in lexical.items():
        scores[row] = score
    return ranking.combine(
        rows, similarities, scores, np.array(use_case_of_row), similarity_range=RANGE
    )


def test_a_use_case_scores_its_best_text_and_some_of_its_second_best():
    candidates = combine([(0, 0.70), (1, 0.60), (2, 0.65)], {}, use_case_of_row=[10, 10, 20])

    by_id = {c.use_case_id: c for c in candidates}
    assert by_id[10].dense == pytest.approx(0.6 * 0.70 + 0.4 * 0.60)
    assert by_id[20].dense == pytest.approx(0.65)
    assert by_id[10].evidence_rows() == [0, 1]


def test_relevance_is_a_readable_share_between_unrelated_and_identical():
    assert ranking.dense_relevance(0.15, RANGE) == 0.0
    assert ranking.dense_relevance(0.70, RANGE) == 1.0
    assert ranking.dense_relevance(0.425, RANGE) == pytest.approx(0.5)
    assert ranking.dense_relevance(0.95, RANGE) == 1.0


def test_exact_terms_lift_a_use_case_the_dense_search_ranks_lower():
    dense = [(0, 0.50), (1, 0.48)]
    without = combine(dense, {}, [10, 20])
    with_terms = combine(dense, {1: 12.0}, [10, 20])

    assert [c.use_case_id for c in without] == [10, 20]
    assert [c.use_case_id for c in with_terms] == [20, 10]


def test_weak_term_overlap_counts_less_than_strong_overlap():
    weak = combine([], {0: 2.0}, [10])[0]
    strong = combine([], {0: 20.0}, [10])[0]

    assert weak.lexical == pytest.approx(2.0 / ranking.LEXICAL_SATURATION)
    assert strong.lexical == 1.0
    assert strong.evidence_rows() == [0]


def candidates(*relevances: float) -> list[ranking.Candidate]:
    return [
        ranking.Candidate(use_case_id=index, relevance=relevance)
        for index, relevance in enumerate(relevances)
    ]


def test_by_default_relevance_leads_and_value_breaks_near_ties():
    values = {0: 1.0, 1: 5.0, 2: 5.0}

    ordered = ranking.order_by_value(
        candidates(0.90, 0.89, 0.60), values, value_weight=0.1, top_k=3
    )

    assert [c.use_case_id for c in ordered] == [1, 0, 2]


def test_a_large_relevance_gap_is_not_overturned_by_the_default_value_weight():
    values = {0: 1.0, 1: 5.0}

    ordered = ranking.order_by_value(candidates(0.90, 0.70), values, value_weight=0.1, top_k=2)

    assert [c.use_case_id for c in ordered] == [0, 1]


def test_full_value_weight_orders_the_relevant_use_cases_by_value():
    values = {0: 2.0, 1: 4.0, 2: 3.0}

    ordered = ranking.order_by_value(candidates(0.9, 0.8, 0.7), values, value_weight=1.0, top_k=3)

    assert [c.use_case_id for c in ordered] == [1, 2, 0]


def test_value_never_lifts_an_unrelated_use_case_above_related_ones():
    values = {0: 1.0, 1: 1.0, 2: 5.0}

    ordered = ranking.order_by_value(candidates(0.9, 0.85, 0.2), values, value_weight=1.0, top_k=3)

    assert ordered[-1].use_case_id == 2


def test_use_cases_without_assessments_count_as_lowest_value():
    ordered = ranking.order_by_value(
        candidates(0.8, 0.8), {0: None, 1: 3.0}, value_weight=0.5, top_k=2
    )
    assert [c.use_case_id for c in ordered] == [1, 0]


def test_low_confidence_when_the_best_relevance_is_weak_or_nothing_matched():
    assert ranking.is_low_confidence([])
    assert ranking.is_low_confidence(candidates(ranking.LOW_CONFIDENCE_RELEVANCE - 0.01))
    assert not ranking.is_low_confidence(candidates(ranking.LOW_CONFIDENCE_RELEVANCE + 0.01))
