"""Pure ranking logic: texts' similarities in, ordered use cases out. No database, no model."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    dense_hits: list[tuple[int, float]],
    lexical_scores: dict[int, float],
    use_case_of_row: list[int],
    *,
    similarity_range: tuple[float, float],
) -> list[Candidate]:
    """Per use case: the best text similarities, the best BM25 score, and relevance from both."""
    candidates: dict[int, Candidate] = {}
    for row, similarity in dense_hits:
        use_case_id = use_case_of_row[row]
        candidate = candidates.setdefault(use_case_id, Candidate(use_case_id))
        candidate.evidence.append((similarity, row))
    for candidate in candidates.values():
        candidate.evidence.sort(reverse=True)
        best = candidate.evidence[0][0]
        second = candidate.evidence[1][0] if len(candidate.evidence) > 1 else best
        candidate.dense = (1 - SECOND_BEST_WEIGHT) * best + SECOND_BEST_WEIGHT * second

    best_lexical: dict[int, tuple[float, int]] = {}
    for row, score in lexical_scores.items():
        use_case_id = use_case_of_row[row]
        if score > best_lexical.get(use_case_id, (0.0, -1))[0]:
            best_lexical[use_case_id] = (score, row)
    top_lexical = max((score for score, _ in best_lexical.values()), default=0.0)
    for use_case_id, (score, row) in best_lexical.items():
        candidate = candidates.setdefault(use_case_id, Candidate(use_case_id))
        candidate.lexical = (score / top_lexical) * min(1.0, top_lexical / LEXICAL_SATURATION)
        candidate.lexical_row = row

    for candidate in candidates.values():
        candidate.relevance = round(
            (1 - LEXICAL_WEIGHT) * dense_relevance(candidate.dense, similarity_range)
            + LEXICAL_WEIGHT * candidate.lexical,
            4,
        )
    return sorted(candidates.values(), key=lambda c: (-c.relevance, c.use_case_id))


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
    rest = [c for c in candidates if c not in pool]
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
