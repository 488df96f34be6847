"""Matching a company's problem description to published use cases."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from matching import ranking
from matching.encoders import get_encoder, model_name_for
from matching.index import IndexUnavailable, LanguageIndex, store
from matching.indexing import catalog_texts
from matching.models import Submission, TextEmbedding
from matching.text import BM25, detect_language, tokenize
from providers.services import record_appearances
from usecases.models import Provider, UseCase, ValuePotential

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 5000
MIN_WORDS = 3
MAX_TOP_K = 50
MATCHED_ON_PER_RESULT = 2
DENSE_CANDIDATES = 1000


class InvalidQuery(ValueError):
    """The input cannot be matched; `field` names the input and the message says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


_LONE_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_problem_text(text: str) -> str:
    """The text with surrounding whitespace removed, or InvalidQuery in the active language.

    NUL characters are dropped: PostgreSQL cannot store them in text and they carry no meaning.
    So are lone UTF-16 surrogates (JSON may escape one, "\\ud800"): no encoder, tokenizer or
    database takes them, and a real character never decodes to one.
    """
    cleaned = _LONE_SURROGATES.sub("", text.replace("\x00", "")).strip()
    if not cleaned:
        raise InvalidQuery("text", _("Please describe your business problem."))
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise InvalidQuery(
            "text",
            _("Please shorten your description to %(limit)d characters at most (now %(length)d).")
            % {"limit": MAX_TEXT_LENGTH, "length": len(cleaned)},
        )
    if len(cleaned.split()) < MIN_WORDS:
        raise InvalidQuery(
            "text",
            _("Please describe your problem in at least %(count)d words.") % {"count": MIN_WORDS},
        )
    return cleaned


@dataclass(frozen=True)
class MatchRequest:
    text: str
    top_k: int = 5
    language: str | None = None
    goal: str = "balanced"
    value_weight: float | None = None
    store: bool = True
    # Optional refinements from the start page: they lift fitting use cases a little and filter
    # the providers shown by the company sizes they serve.
    industry: str = ""
    business_function: str = ""
    company_size: str = ""


@dataclass(frozen=True)
class MatchResult:
    query_id: str | None
    language: str
    low_confidence: bool
    results: list[dict[str, Any]]
    model_name: str
    index_version: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "query_id": self.query_id,
            "language": self.language,
            "low_confidence": self.low_confidence,
            "results": self.results,
        }


def match(request: MatchRequest) -> MatchResult:
    """Rank published use cases for a problem description and store the query unless opted out."""
    text = clean_problem_text(request.text)
    if not 1 <= request.top_k <= MAX_TOP_K:
        raise InvalidQuery("top_k", _("Choose between 1 and %(max)d results.") % {"max": MAX_TOP_K})
    if request.goal not in ranking.GOALS:
        raise InvalidQuery("goal", _("Unknown goal."))
    language = request.language or detect_language(text)
    value_weight = (
        settings.MATCH_DEFAULT_VALUE_WEIGHT
        if request.value_weight is None
        else request.value_weight
    )

    snapshot = store.current()
    part = snapshot.part(language)
    encoder = get_encoder(language)
    query_vector = encoder.encode_queries([text])
    rows, similarities = _dense_hits(part, query_vector)
    candidates = ranking.combine(
        rows,
        similarities,
        part.lexical.scores(tokenize(text, language)),
        part.use_case_of_row,
        similarity_range=(encoder.similarity_floor, encoder.similarity_ceiling),
    )

    listed = published_catalog.entries()
    candidates, ordered, fits = _order(candidates, listed, request, value_weight)
    with translation.override(language):
        results = [
            _result(rank, c, listed[c.use_case_id], part.rows.texts, fits, request.company_size)
            for rank, c in enumerate(ordered, start=1)
        ]
    low_confidence = ranking.is_low_confidence(candidates)
    record_appearances(
        {
            (provider.pk, c.use_case_id)
            for c in ordered
            for provider in listed[c.use_case_id].providers
            if provider.serves(request.company_size)
        }
    )

    query_id = None
    if request.store:
        submission = Submission.objects.create(
            text=text,
            language=language,
            goal=request.goal,
            value_weight=value_weight,
            top_k=request.top_k,
            low_confidence=low_confidence,
            industry=request.industry,
            company_size=request.company_size,
            business_function=request.business_function,
            results=results,
            model_name=part.model_name,
            index_version=snapshot.version,
        )
        query_id = str(submission.pk)
    return MatchResult(
        query_id, language, low_confidence, results, part.model_name, snapshot.version
    )


def delete_expired_submissions() -> int:
    """Delete stored descriptions (with their results and ratings) older than the retention
    period, SUBMISSION_RETENTION_DAYS; returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=settings.SUBMISSION_RETENTION_DAYS)
    _, deleted = Submission.objects.filter(created_at__lt=cutoff).delete()
    count = deleted.get(Submission._meta.label, 0)
    if count:
        logger.info("deleted %s submissions older than %s", count, cutoff.date())
    return count


def _dense_hits(part: LanguageIndex, query_vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and cosine similarities of the served texts closest to the query."""
    similarities, rows = part.index.search(query_vector, min(DENSE_CANDIDATES, part.size))
    found = rows[0] >= 0  # FAISS pads with -1 when it finds fewer than asked
    return rows[0][found], similarities[0][found]


def _order(
    candidates: list[ranking.Candidate],
    listed: dict[int, Listed],
    request: MatchRequest,
    value_weight: float,
) -> tuple[list[ranking.Candidate], list[ranking.Candidate], dict[int, dict[str, bool]]]:
    """The listed candidates by relevance, the final top_k order, and each one's fits."""
    candidates = [c for c in candidates if c.use_case_id in listed]
    considered = [c.use_case_id for c in candidates[: request.top_k * 4]]
    fits = {pk: _fits(listed[pk].use_case, request) for pk in considered}
    values = {pk: listed[pk].potential.for_goal(request.goal) for pk in considered}
    ordered = ranking.order_by_value(
        candidates,
        values,
        value_weight=value_weight,
        top_k=request.top_k,
        fits_of={pk: sum(fit.values()) for pk, fit in fits.items()},
    )
    return candidates, ordered, fits


@dataclass(frozen=True)
class PreviewRank:
    """Where a use case would rank for a problem if it were published with its current texts."""

    language: str
    rank: int | None  # None: none of its texts relates to the problem at all
    competing: int  # published use cases it was ranked among
    relevance: float | None
    low_confidence: bool
    ahead: list[dict[str, Any]]  # the use cases ranked above it (or the top ones), best first


def preview_rank(use_case: UseCase, text: str, *, shown: int = 5) -> PreviewRank:
    """Rank a draft (or an edited use case) among the published catalog for a test problem.

    Its texts are embedded now with the configured encoders and searched next to the served
    index, through the same scoring and ordering as `match`; nothing is stored and the served
    index is left as it is. A published use case is ranked with its current texts instead of
    the served ones.
    """
    text = clean_problem_text(text)
    language = detect_language(text)
    part = store.current().part(language)
    encoder = get_encoder(language)
    query_vector = encoder.encode_queries([text])
    own_texts = [t.text for t in catalog_texts(use_case) if t.language == language]
    own_vectors = (
        encoder.encode_passages(own_texts, batch_size=settings.EMBEDDING_BATCH_SIZE)
        if own_texts
        else np.zeros((0, query_vector.shape[1]), dtype=np.float32)
    )

    rows, similarities = _dense_hits(part, query_vector)
    served_elsewhere = part.use_case_of_row[rows] != use_case.pk
    own_rows = np.arange(part.size, part.size + len(own_texts))
    rows = np.concatenate([rows[served_elsewhere], own_rows])
    similarities = np.concatenate([similarities[served_elsewhere], own_vectors @ query_vector[0]])
    use_case_of_row = np.concatenate(
        [part.use_case_of_row, np.full(len(own_texts), use_case.pk, dtype=np.int64)]
    )
    # BM25 over the served texts plus the use case's own, as one index would hold them; its
    # served rows (if published) must not count, they are replaced by the current texts.
    lexical = BM25([tokenize(t, language) for t in [*part.rows.texts, *own_texts]]).scores(
        tokenize(text, language)
    )
    lexical[: part.size][part.use_case_of_row == use_case.pk] = 0
    candidates = ranking.combine(
        rows,
        similarities,
        lexical,
        use_case_of_row,
        similarity_range=(encoder.similarity_floor, encoder.similarity_ceiling),
    )

    listed = {pk: entry for pk, entry in published_catalog.entries().items() if pk != use_case.pk}
    listed[use_case.pk] = Listed(use_case, use_case.value_potential, ())
    request = MatchRequest(text, top_k=len(listed), language=language, store=False)
    candidates, ordered = _order(candidates, listed, request, settings.MATCH_DEFAULT_VALUE_WEIGHT)[
        :2
    ]
    position = next((i for i, c in enumerate(ordered) if c.use_case_id == use_case.pk), None)
    with translation.override(language):
        ahead = [
            {
                "rank": rank,
                "title": listed[c.use_case_id].use_case.title,
                "relevance": round(c.relevance, 2),
                "is_previewed": c.use_case_id == use_case.pk,
            }
            for rank, c in enumerate(ordered[: max(shown, (position or 0) + 1)], start=1)
        ]
    return PreviewRank(
        language=language,
        rank=None if position is None else position + 1,
        competing=len(listed) - 1,
        relevance=None if position is None else round(ordered[position].relevance, 2),
        low_confidence=ranking.is_low_confidence(candidates),
        ahead=ahead,
    )


def warm_up() -> None:
    """Load both encoders and the current index now, so the first company does not wait."""
    for language in ("en", "de"):
        get_encoder(language).encode_queries(["warm up"])
    try:
        store.current()
    except IndexUnavailable:
        logger.warning("no index yet; matching answers 503 until one is built")


def related_use_cases(use_case: UseCase, language: str, count: int = 4) -> list[int]:
    """Ids of the published use cases whose texts lie closest to this one's, most similar first.

    The use case is represented by the mean of its stored vectors in `language`; without an
    index (or vectors) there is simply nothing related to show.
    """
    vectors = [
        row.as_array()
        for row in TextEmbedding.objects.filter(
            use_case=use_case, language=language, model_name=model_name_for(language)
        ).only("vector")
    ]
    try:
        part = store.current().part(language)
    except IndexUnavailable:
        return []
    if not vectors:
        return []
    centre = np.mean(vectors, axis=0, keepdims=True).astype(np.float32)
    centre /= np.linalg.norm(centre)
    similarities, rows = part.index.search(centre, min(part.size, 200))
    best: dict[int, float] = {}
    for row, similarity in zip(rows[0], similarities[0], strict=True):
        other = part.rows.use_case_ids[row] if row >= 0 else use_case.pk
        if other != use_case.pk and other not in best:
            best[other] = float(similarity)
    return list(best)[:count]


@dataclass(frozen=True)
class Listed:
    """A published use case as results show it."""

    use_case: UseCase
    potential: ValuePotential
    providers: tuple[Provider, ...]


class PublishedCatalog:
    """All published use cases with value potential and approved providers, held in memory.

    Reloaded at most every INDEX_VERSION_CHECK_SECONDS (the same freshness as the index), so a
    match runs no catalog queries; the catalog is about a hundred rows.
    """

    def __init__(self) -> None:
        self._entries: dict[int, Listed] = {}
        self._loaded_at: float | None = None
        self._lock = threading.Lock()

    def entries(self) -> dict[int, Listed]:
        with self._lock:
            now = time.monotonic()
            if self._loaded_at is None or (
                now - self._loaded_at >= settings.INDEX_VERSION_CHECK_SECONDS
            ):
                use_cases = list(UseCase.objects.for_display())
                offers = Provider.objects.offering(use_cases)
                self._entries = {
                    u.pk: Listed(u, u.value_potential, tuple(offers[u.pk])) for u in use_cases
                }
                self._loaded_at = now
            return self._entries


published_catalog = PublishedCatalog()


def _fits(use_case: UseCase, request: MatchRequest) -> dict[str, bool]:
    """Which of the company's refinements this use case fits; all-industry use cases fit any."""
    fits = {}
    if request.industry:
        fits["industry"] = bool({request.industry, "cross_industry"} & set(use_case.industries))
    if request.business_function:
        fits["business_function"] = request.business_function in use_case.business_functions
    return fits


def reorder(results: list[dict[str, Any]], goal: str, value_weight: float) -> list[dict[str, Any]]:
    """Stored results in the order a different goal or value weight gives, ranks renumbered."""
    candidates = [
        ranking.Candidate(use_case_id=index, relevance=result["relevance"])
        for index, result in enumerate(results)
    ]
    candidates.sort(key=lambda c: (-c.relevance, c.use_case_id))
    values = {
        index: _goal_value(result["value_potential"], goal) for index, result in enumerate(results)
    }
    fits = {index: sum(result.get("fits", {}).values()) for index, result in enumerate(results)}
    ordered = ranking.order_by_value(
        candidates, values, value_weight=value_weight, top_k=len(results), fits_of=fits
    )
    return [
        {**results[c.use_case_id], "rank": rank, "score": round(c.score, 2)}
        for rank, c in enumerate(ordered, start=1)
    ]


def _goal_value(potential: dict[str, Any], goal: str) -> float | None:
    return potential["overall"] if goal == "balanced" else potential[goal]


def _matched_on(candidate: ranking.Candidate, texts: list[str]) -> list[str]:
    """The catalog texts closest to the query, best first."""
    return [texts[row] for row in candidate.evidence_rows()[:MATCHED_ON_PER_RESULT]]


def _result(
    rank: int,
    candidate: ranking.Candidate,
    listed: Listed,
    texts: list[str],
    fits: dict[int, dict[str, bool]],
    company_size: str,
) -> dict[str, Any]:
    use_case = listed.use_case
    return {
        "rank": rank,
        "relevance": round(candidate.relevance, 2),
        "score": round(candidate.score, 2),
        "use_case": {
            "slug": use_case.slug,
            "title": use_case.title,
            "summary": use_case.summary,
            "cluster": {"slug": use_case.cluster.slug, "name": use_case.cluster.name},
        },
        "value_potential": listed.potential.as_dict(),
        "matched_on": _matched_on(candidate, texts),
        "providers": [
            {"slug": p.slug, "name": p.name, "is_example": p.is_example}
            for p in listed.providers
            if p.serves(company_size)
        ],
        "fits": fits[candidate.use_case_id],
    }
