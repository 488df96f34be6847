"""Cluster-level quality of the matcher on a development set, next to a plain BM25 baseline.

A query counts as a hit@k when one of its first k results belongs to an expected cluster; MRR
uses the rank of the first such result (0 when none of the first 10 does).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matching.index import store
from matching.services import MatchRequest, match
from matching.text import detect_language, tokenize
from usecases.models import UseCase

DEPTH = 10


@dataclass(frozen=True)
class Query:
    expected: frozenset[str]
    text: str


@dataclass(frozen=True)
class Scores:
    hit_at_1: float
    hit_at_3: float
    mrr: float
    queries: int

    def line(self, name: str) -> str:
        return (
            f"{name:<10} hit@1 {self.hit_at_1:.3f}  hit@3 {self.hit_at_3:.3f}  "
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
        queries.append(Query(frozenset(s.strip() for s in slugs.split(",")), text.strip()))
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


def matcher_rankings(queries: list[Query]) -> list[list[str]]:
    """Cluster slugs of the product's own results, in the order it shows them."""
    return [
        [
            r["use_case"]["cluster"]["slug"]
            for r in match(MatchRequest(q.text, top_k=DEPTH, store=False)).results
        ]
        for q in queries
    ]


def bm25_rankings(queries: list[Query]) -> list[list[str]]:
    """Plain BM25 over the texts the matcher searches: a use case scores its best text."""
    snapshot = store.current()
    cluster_of = dict(UseCase.objects.values_list("pk", "cluster__slug"))
    rankings = []
    for query in queries:
        language = detect_language(query.text)
        part = snapshot.part(language)
        scores = part.lexical.scores(tokenize(query.text, language))
        best: dict[int, float] = defaultdict(float)
        for row in np.flatnonzero(scores):
            use_case_id = part.rows.use_case_ids[row]
            best[use_case_id] = max(best[use_case_id], float(scores[row]))
        ordered = sorted(best, key=lambda pk: (-best[pk], pk))[:DEPTH]
        rankings.append([cluster_of[pk] for pk in ordered])
    return rankings


def evaluate(path: Path) -> tuple[Scores, Scores]:
    """(matcher, BM25 baseline) scores on one development-set file, measured in the same run."""
    queries = read_queries(path)
    return score(matcher_rankings(queries), queries), score(bm25_rankings(queries), queries)
