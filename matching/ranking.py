"""Pure ranking logic: per-use-case similarities in, ordered use cases out. No database, no model.

A use case is scored as a whole, not by its luckiest sentence: the similarity of the query to
the centroid of all its texts, plus a share of its best single text (which keeps a use case with
one precise problem statement near the top), plus BM25 over one document per use case. Each of
the three is z-normalised over the catalog for this query, so their scales never need to agree;
the sum is then mapped to 0..1 together with the encoder's calibrated absolute similarity, which
is what lets an unrelated text ("hello, anyone there?") score low although some use case is
always the relatively best one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Weights of the z-normalised evidence, chosen on the development sets (make evaluate).
BEST_TEXT_WEIGHT = 0.2
LEXICAL_WEIGHT = 0.7
# A use case this many combined standard deviations above the catalog mean counts as a full
# relative fit.
RELATIVE_SPAN = 6.0
# Share of relevance that comes from the calibrated absolute similarity (vs. the relative fit).
ABSOLUTE_SHARE = 0.5
# Below this relevance a result is labelled a weak fit (the low-confidence decision for the whole
# answer is calibrated per model, see matching.encoders).
WEAK_FIT_BELOW = 0.45
# Value potential only reorders use cases that are relevant: at most this many, and none below
# this share of the best relevance.
VALUE_POOL_FACTOR = 3
VALUE_POOL_MIN_SHARE = 0.6
# Added to the score of a relevant use case for each refinement it fits (industry, function).
FIT_BONUS = 0.03


@dataclass
class Candidate:
    use_case_id: int
    relevance: float = 0.0
    score: float = 0.0
    # Rows of the use case's own texts closest to the query, best first (for "why it fits").
    evidence: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Evidence:
    """Per use case (aligned arrays): cosine similarity to its centroid and to its best text,
    and its BM25 score; `similarity_range` is the encoder's calibrated unrelated..same range."""

    use_case_ids: np.ndarray
    centroid: np.ndarray
    best_text: np.ndarray
    lexical: np.ndarray
    similarity_range: tuple[float, float]
    # The dense hits behind `best_text`: (use case position, text row, similarity) arrays.
    hits: tuple[np.ndarray, np.ndarray, np.ndarray]


def zscore(values: np.ndarray) -> np.ndarray:
    """Values in standard deviations from their mean; all zeros when they do not vary."""
    spread = float(values.std())
    if spread == 0.0:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - values.mean()) / spread).astype(np.float32)


def calibrated(similarity: np.ndarray, similarity_range: tuple[float, float]) -> np.ndarray:
    """Cosine similarity mapped to 0..1 within the encoder's range from unrelated to same."""
    floor, ceiling = similarity_range
    return np.clip((similarity - floor) / (ceiling - floor), 0.0, 1.0)


def relevance(evidence: Evidence) -> np.ndarray:
    """One 0..1 relevance per use case: half relative (z-fused evidence), half absolute."""
    relative = (
        zscore(evidence.centroid)
        + BEST_TEXT_WEIGHT * zscore(evidence.best_text)
        + LEXICAL_WEIGHT * zscore(evidence.lexical)
    )
    absolute = calibrated((evidence.centroid + evidence.best_text) / 2, evidence.similarity_range)
    return (
        ABSOLUTE_SHARE * absolute
        + (1 - ABSOLUTE_SHARE) * np.clip(relative / RELATIVE_SPAN, 0.0, 1.0)
    ).astype(np.float32)


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

    `candidates` come ordered by relevance. Only the relevant head of the list takes part, so a
    high-value but unrelated use case can never be lifted above related ones.
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
