"""Pure ranking logic: texts' similarities in, ordered use cases out. No database, no model."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Share of relevance that comes from exact-term overlap (BM25), which rescues terms like "OCR".
LEXICAL_WEIGHT = 0.2
# A use case's dense score: its best text, plus this share of its second best, so that a use
# case whose texts agree beats one lucky sentence.
SECOND_BEST_WEIGHT = 0.4
# BM25 score at which lexical evidence counts fully; weaker overlap counts proportionally.
LEXICAL_SATURATION = 8.0
# Below this relevance for the best use case, the catalog has no good fit.
LOW_CONFIDENCE_RELEVANCE = 0.35
# Value potential only reorders use cases that are relevant: at most this many, and none below
# this share of the best relevance.
VALUE_POOL_FACTOR = 3
VALUE_POOL_MIN_SHARE = 0.6
GOALS = ("balanced", "cost_reduction", "revenue", "company_value")
# Added to the score of a relevant use case for each refinement it fits (industry, function).
FIT_BONUS = 0.03


@dataclass
class Candidate:
    use_case_id: int
    dense: float = 0.0
    lexical: float = 0.0
    relevance: float = 0.0
    evidence: list[tuple[float, int]] = field(default_factory=list)  # (similarity, row), best first
    lexical_row: int | None = None
    score: float = 0.0

    def evidence_rows(self) -> list[int]:
        """Rows of the texts that explain the match: closest in meaning, else exact terms."""
        rows = [row for _, row in self.evidence]
        if not rows and self.lexical_row is not None:
            rows.append(self.lexical_row)
        return rows


def _clip(value: float) -> float:
    return max(0.0, min(1.0, value))


def dense_relevance(similarity: float, similarity_range: tuple[float, float]) -> float:
    """Cosine similarity mapped to 0..1 within the encoder's range from unrelated to same."""
    floor, ceiling = similarity_range
    return _clip((similarity - floor) / (ceiling - floor))


def combine(
    rows: np.ndarray,
    similarities: np.ndarray,
    lexical: np.ndarray,
    use_case_of_row: np.ndarray,
    *,
    similarity_range: tuple[float, float],
) -> list[Candidate]:
    """Per use case: its best text similarities, its best BM25 score, and relevance from both.

    `rows` and `similarities` are the dense hits (row numbers of texts, cosine similarity);
    `lexical` holds a BM25 score for every row; `use_case_of_row` maps rows to use case ids.
    """
    candidates: dict[int, Candidate] = {}
    dense = _top_two_per_use_case(use_case_of_row[rows], similarities, rows)
    for use_case_id, best, best_row, second, second_row in zip(*dense, strict=True):
        evidence = [(float(best), int(best_row))]
        if second_row >= 0:
            evidence.append((float(second), int(second_row)))
        else:
            second = best
        candidates[int(use_case_id)] = Candidate(
            int(use_case_id),
            dense=float((1 - SECOND_BEST_WEIGHT) * best + SECOND_BEST_WEIGHT * second),
            evidence=evidence,
        )

    matched = np.flatnonzero(lexical)
    top_lexical = float(lexical.max()) if matched.size else 0.0
    terms = _top_two_per_use_case(use_case_of_row[matched], lexical[matched], matched)
    for use_case_id, score, row, _second, _second_row in zip(*terms, strict=True):
        candidate = candidates.setdefault(int(use_case_id), Candidate(int(use_case_id)))
        candidate.lexical = float(score / top_lexical) * min(1.0, top_lexical / LEXICAL_SATURATION)
        candidate.lexical_row = int(row)

    for candidate in candidates.values():
        candidate.relevance = round(
            (1 - LEXICAL_WEIGHT) * dense_relevance(candidate.dense, similarity_range)
            + LEXICAL_WEIGHT * candidate.lexical,
            4,
        )
    return sorted(candidates.values(), key=lambda c: (-c.relevance, c.use_case_id))


def _top_two_per_use_case(
    use_case_ids: np.ndarray, scores: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Per use case among the hits: (ids, best score, its row, second score, its row or -1)."""
    order = np.lexsort((-scores, use_case_ids))
    ids, scores, rows = use_case_ids[order], scores[order], rows[order]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    has_second = np.r_[starts[1:], len(ids)] - starts > 1
    following = np.minimum(starts + 1, max(len(ids) - 1, 0))
    return (
        ids[starts],
        scores[starts],
        rows[starts],
        np.where(has_second, scores[following], 0.0),
        np.where(has_second, rows[following], -1),
    )


def order_by_value(
    candidates: list[Candidate],
    value_of: dict[int, float | None],
    *,
    value_weight: float,
    top_k: int,
    fits_of: dict[int, int] | None = None,
) -> list[Candidate]:
    """Final order: relevance, with value potential (1..5, scaled to 0..1) weighing `value_weight`
    and a small bonus per refinement the use case fits (`fits_of`: use case id -> count).

    Only the relevant head of the list takes part, so a high-value but unrelated use case can
    never be lifted above related ones.
    """
    fits_of = fits_of or {}
    if not candidates:
        return []
    best = candidates[0].relevance
    pool = [
        c
        for c in candidates[: max(top_k * VALUE_POOL_FACTOR, top_k)]
        if c.relevance >= best * VALUE_POOL_MIN_SHARE
    ] or candidates[:1]
    in_pool = {id(c) for c in pool}
    rest = [c for c in candidates if id(c) not in in_pool]
    for candidate in pool:
        value = value_of.get(candidate.use_case_id)
        value_share = (value - 1) / 4 if value is not None else 0.0
        candidate.score = round(
            (1 - value_weight) * candidate.relevance
            + value_weight * value_share
            + FIT_BONUS * fits_of.get(candidate.use_case_id, 0),
            4,
        )
    for candidate in rest:
        candidate.score = round((1 - value_weight) * candidate.relevance, 4)
    pool.sort(key=lambda c: (-c.score, -c.relevance, c.use_case_id))
    return (pool + rest)[:top_k]


def is_low_confidence(candidates: list[Candidate]) -> bool:
    return not candidates or candidates[0].relevance < LOW_CONFIDENCE_RELEVANCE
