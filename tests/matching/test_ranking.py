"""Ranking logic on hand-made similarities: no model, no database."""

from __future__ import annotations

import numpy as np
import pytest

from matching import ranking

RANGE = (0.15, 0.70)
NO_HITS = (np.array([], int), np.array([], int), np.array([], np.float32))


def evidence(centroid, best_text, lexical) -> ranking.Evidence:
    return ranking.Evidence(
        use_case_ids=np.arange(len(centroid)),
        centroid=np.array(centroid, np.float32),
        best_text=np.array(best_text, np.float32),
        lexical=np.array(lexical, np.float32),
        similarity_range=RANGE,
        hits=NO_HITS,
    )


def test_zscore_centres_and_scales_and_is_zero_when_nothing_varies():
    z = ranking.zscore(np.array([1.0, 2.0, 3.0]))
    assert z.mean() == pytest.approx(0.0, abs=1e-6)
    assert z.std() == pytest.approx(1.0)
    assert not ranking.zscore(np.array([0.4, 0.4])).any()


def test_similarity_is_calibrated_to_the_encoders_range_and_clipped():
    mapped = ranking.calibrated(np.array([0.10, 0.15, 0.425, 0.70, 0.95]), RANGE)
    assert mapped.tolist() == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.0])


def test_the_use_case_whose_texts_agree_beats_one_lucky_sentence():
    # Use case 0: all its texts are close (centroid 0.60, best 0.62); use case 1: one sentence
    # is closer (0.66) but the use case as a whole is not (centroid 0.35).
    scores = ranking.relevance(
        evidence([0.60, 0.35, 0.20, 0.22], [0.62, 0.66, 0.30, 0.31], [0, 0, 0, 0])
    )
    assert scores[0] > scores[1] > scores[2]


def test_exact_terms_decide_between_use_cases_equally_close_in_meaning():
    scores = ranking.relevance(
        evidence([0.50, 0.50, 0.20, 0.20], [0.55, 0.55, 0.30, 0.30], [0.0, 9.0, 0.0, 0.0])
    )
    assert scores[1] > scores[0]


def test_an_unrelated_text_scores_low_although_one_use_case_is_relatively_best():
    related = ranking.relevance(
        evidence([0.62, 0.30, 0.25, 0.20], [0.68, 0.35, 0.30, 0.28], [12, 1, 0, 0])
    )
    unrelated = ranking.relevance(
        evidence([0.18, 0.08, 0.06, 0.05], [0.25, 0.15, 0.14, 0.12], [0, 0, 0, 0])
    )
    assert related.max() > 0.7
    assert unrelated.max() < 0.4
    assert unrelated.argmax() == 0  # still the relatively best one


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
