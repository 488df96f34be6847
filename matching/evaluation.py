"""Quality of the matcher on the evaluation sets, next to the baselines it has to beat.

Cluster level: a query counts as a hit@k when one of its first k results belongs to an expected
cluster; MRR uses the rank of the first such result (0 when none of the first 10 does). Every
set is measured in the same run for:

- `matcher`: the product's own answer (`match`, what companies see);
- `previous`: the pipeline before centroid scoring (best text + 0.4 x second best, BM25 per text),
  kept here only as a yardstick;
- `BM25`: the strong keyword baseline, one document per use case (all its texts), Snowball
  stemming, no compound splitting.

Besides the development sets (`slugs<TAB>query`), two kinds of set have their own measures:
`offtopic_*.tsv` (texts that are no business problem: the share flagged `low_confidence`) and
`two_problems_*.tsv` (`slugA+slugB<TAB>query`: how often both problems are in the first five
results, and how often the answer has groups).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from matching.encoders import get_encoder
from matching.index import LanguageIndex, store
from matching.services import MatchRequest, match
from matching.text import BM25, detect_language, tokenize
from usecases.models import UseCase

DEPTH = 10
TWO_PROBLEMS_DEPTH = 5
# The previous pipeline's constants, as they were.
PREVIOUS_LEXICAL_WEIGHT = 0.2
PREVIOUS_SECOND_BEST_WEIGHT = 0.4
PREVIOUS_LEXICAL_SATURATION = 8.0


@dataclass(frozen=True)
class Query:
    expected: frozenset[str]
    text: str
    both: bool = False  # two-problem sets: every expected cluster must be found


@dataclass(frozen=True)
class Scores:
    hit_at_1: float
    hit_at_3: float
    mrr: float
    queries: int

    def line(self, name: str) -> str:
        return (
            f"  {name:<9} hit@1 {self.hit_at_1:.3f}  hit@3 {self.hit_at_3:.3f}  "
            f"MRR {self.mrr:.3f}  ({self.queries} queries)"
        )


def read_queries(path: Path) -> list[Query]:
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            slugs, text = line.split("\t")
        except ValueError as exc:
            raise ValueError(f"{path.name} line {number}: expected 'slugs<TAB>query'") from exc
        both = "+" in slugs
        expected = frozenset(s.strip() for s in slugs.replace("+", ",").split(","))
        queries.append(Query(expected, text.strip(), both))
    return queries


def score(rankings: list[list[str]], queries: list[Query]) -> Scores:
    hits1 = hits3 = reciprocal = 0.0
    for clusters, query in zip(rankings, queries, strict=True):
        ranks = [i for i, slug in enumerate(clusters[:DEPTH], start=1) if slug in query.expected]
        first = ranks[0] if ranks else None
        hits1 += first == 1
        hits3 += first is not None and first <= 3
        reciprocal += 1 / first if first else 0.0
    n = len(queries)
    return Scores(hits1 / n, hits3 / n, reciprocal / n, n)


@dataclass(frozen=True)
class Answer:
    clusters: list[str]
    low_confidence: bool
    groups: int


def matcher_answers(queries: list[Query]) -> list[Answer]:
    """The product's own results, in the order it shows them."""
    answers = []
    for query in queries:
        result = match(MatchRequest(query.text, top_k=DEPTH, store=False))
        answers.append(
            Answer(
                [r.use_case.cluster.slug for r in result.results],
                result.low_confidence,
                len(result.groups),
            )
        )
    return answers


def _cluster_ranking(
    queries: list[Query], scorer: Callable[[str, str, LanguageIndex], dict[int, float]]
) -> list[list[str]]:
    snapshot = store.current()
    cluster_of = dict(UseCase.objects.values_list("pk", "cluster__slug"))
    rankings = []
    for query in queries:
        language = detect_language(query.text)
        scores = scorer(query.text, language, snapshot.part(language))
        ordered = sorted(scores, key=lambda pk: (-scores[pk], pk))[:DEPTH]
        rankings.append([cluster_of[pk] for pk in ordered])
    return rankings


@lru_cache(maxsize=4)
def _use_case_bm25(part: LanguageIndex) -> BM25:
    documents: list[list[str]] = [[] for _ in part.use_case_ids]
    for position, row_text in zip(part.use_case_of_row, part.rows.texts, strict=True):
        documents[position].extend(tokenize(row_text, part.language))
    return BM25(documents)


@lru_cache(maxsize=4)
def _text_bm25(part: LanguageIndex) -> BM25:
    return BM25([tokenize(t, part.language) for t in part.rows.texts])


def bm25_scores(text: str, language: str, part: LanguageIndex) -> dict[int, float]:
    """BM25, one document per use case (all its texts), plain Snowball terms."""
    scores = _use_case_bm25(part).scores(tokenize(text, language))
    return {int(part.use_case_ids[i]): float(scores[i]) for i in np.flatnonzero(scores)}


def previous_scores(text: str, language: str, part: LanguageIndex) -> dict[int, float]:
    """The pipeline before this one: a use case's dense score is its best text plus 0.4 of its
    second best (mapped to 0..1 by the encoder's range), blended with BM25 over single texts."""
    encoder = get_encoder(language)
    vector = encoder.encode_queries([text])
    similarities, rows = part.search(vector, part.size)
    found = rows[0] >= 0
    rows, similarities = rows[0][found], similarities[0][found]
    positions = part.use_case_of_row[rows]
    lexical = _text_bm25(part).scores(tokenize(text, language))
    top_lexical = float(lexical.max()) if lexical.size else 0.0
    floor, ceiling = encoder.spec.similarity_range
    scores: dict[int, float] = {}
    for position in np.unique(positions):
        own = np.sort(similarities[positions == position])[::-1]
        second = own[1] if len(own) > 1 else own[0]
        dense = (1 - PREVIOUS_SECOND_BEST_WEIGHT) * own[0] + PREVIOUS_SECOND_BEST_WEIGHT * second
        dense = min(1.0, max(0.0, (dense - floor) / (ceiling - floor)))
        own_lexical = float(lexical[part.use_case_of_row == position].max())
        if top_lexical:
            own_lexical = (
                own_lexical / top_lexical * min(1.0, top_lexical / PREVIOUS_LEXICAL_SATURATION)
            )
        scores[int(part.use_case_ids[position])] = (
            1 - PREVIOUS_LEXICAL_WEIGHT
        ) * dense + PREVIOUS_LEXICAL_WEIGHT * own_lexical
    return scores


@dataclass(frozen=True)
class Report:
    """Every figure of one evaluation file; lines() prints them."""

    name: str
    kind: str  # "ranking", "offtopic" or "two_problems"
    matcher: Scores | None = None
    previous: Scores | None = None
    bm25: Scores | None = None
    flagged: float = 0.0  # share of queries answered low_confidence
    both_found: float = 0.0  # two problems: share with both in the first five
    grouped: float = 0.0  # share answered with groups
    queries: int = 0

    def lines(self) -> list[str]:
        if self.kind == "offtopic":
            return [f"  off-topic flagged low_confidence: {self.flagged:.3f} ({self.queries})"]
        if self.kind == "two_problems":
            return [
                f"  both problems in the first {TWO_PROBLEMS_DEPTH}: {self.both_found:.3f}, "
                f"answered with groups: {self.grouped:.3f} ({self.queries} queries)",
                f"  genuine problems flagged low_confidence: {self.flagged:.3f}",
            ]
        assert self.matcher and self.previous and self.bm25
        return [
            self.matcher.line("matcher"),
            self.previous.line("previous"),
            self.bm25.line("BM25"),
            f"  genuine problems flagged low_confidence: {self.flagged:.3f}, "
            f"split into groups: {self.grouped:.3f}",
        ]


def summary(reports: list[Report]) -> list[str]:
    """The two off-topic figures side by side: the share of off-topic texts flagged per set, and
    the worst share of genuine problems flagged over every other set (at most 0.02 wanted)."""
    off_topic = [r for r in reports if r.kind == "offtopic"]
    genuine = [r for r in reports if r.kind != "offtopic"]
    lines = []
    if off_topic:
        rates = ", ".join(f"{r.name} {r.flagged:.3f}" for r in off_topic)
        lines.append(f"off-topic flagged low_confidence: {rates}")
    if genuine:
        worst = max(genuine, key=lambda r: r.flagged)
        lines.append(
            f"genuine problems flagged low_confidence, worst set: {worst.flagged:.3f} "
            f"({worst.name})"
        )
    return lines


def evaluate(path: Path) -> Report:
    """All figures for one evaluation file, measured in the same run."""
    queries = read_queries(path)
    answers = matcher_answers(queries)
    flagged = sum(a.low_confidence for a in answers) / len(queries)
    grouped = sum(a.groups > 0 for a in answers) / len(queries)
    if path.stem.startswith("offtopic"):
        return Report(path.name, "offtopic", flagged=flagged, queries=len(queries))
    if any(q.both for q in queries):
        both = sum(
            q.expected <= set(a.clusters[:TWO_PROBLEMS_DEPTH])
            for q, a in zip(queries, answers, strict=True)
        )
        return Report(
            path.name,
            "two_problems",
            both_found=both / len(queries),
            flagged=flagged,
            grouped=grouped,
            queries=len(queries),
        )
    return Report(
        path.name,
        "ranking",
        matcher=score([a.clusters for a in answers], queries),
        previous=score(_cluster_ranking(queries, previous_scores), queries),
        bm25=score(_cluster_ranking(queries, bm25_scores), queries),
        flagged=flagged,
        grouped=grouped,
        queries=len(queries),
    )
