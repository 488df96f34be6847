"""Matching a company's problem description to published use cases."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from matching import feasibility, offtopic, ranking
from matching.encoders import get_encoder, model_name_for
from matching.index import IndexUnavailable, LanguageIndex, store
from matching.indexing import catalog_texts
from matching.models import Submission
from matching.schemas import (
    ProblemResults,
    RankedUseCase,
    Refinement,
    ResultCluster,
    ResultProvider,
    ResultUseCase,
    dump_groups,
    dump_results,
)
from matching.text import BM25, SEGMENT_CHARACTERS, detect_language, split_segments
from providers.models import Provider
from providers.services import record_appearances
from usecases import vocabularies
from usecases.models import UseCase, ValuePotential

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 5000
MAX_TOP_K = 50
MATCHED_ON_PER_RESULT = 2
DENSE_CANDIDATES = 1000
# Use cases kept per ranking, most relevant first: more than results, groups and the ordering
# by value ever read (MAX_TOP_K * 4), so a catalog of 10,000 use cases costs no object per use
# case and answer; every use case is still scored. A preview keeps all, to say where its draft
# ranks.
KEPT_CANDIDATES = 500
# Several problems in one description: neither problem's best use case may be among the other's
# first GROUP_DISTINCT_RANKS (the relevance each part needs is calibrated per model).
GROUP_DISTINCT_RANKS = 8
# A part's best use case must rank in this share of the catalog for the whole description too:
# a side remark ("Das ist kaum noch zu schaffen.") can match some use case well on its own, but
# the description as a whole does not point there. Separate problems in the development sets
# ranked at most 16th of 104 for the whole; the side remark that was split off ranked 95th.
GROUP_WHOLE_RANK_SHARE = 0.25
GROUP_RESULTS = 3


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
    return cleaned


@dataclass(frozen=True)
class MatchRequest:
    text: str
    top_k: int = 5
    language: str | None = None
    goal: str = vocabularies.DEFAULT_GOAL
    value_weight: float | None = None
    store: bool = True
    # Optional refinements from the start page: they lift fitting use cases a little and filter
    # the providers shown by the company sizes they serve.
    industry: str = ""
    business_function: str = ""
    company_size: str = ""
    # The readiness check's answers (matching.readiness.clean_answers); empty when not answered.
    readiness: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchResult:
    query_id: str | None
    language: str
    low_confidence: bool
    results: list[RankedUseCase]
    # One entry per problem when the description names several.
    groups: list[ProblemResults]
    model_name: str
    index_version: int


@dataclass(frozen=True)
class Draft:
    """A use case's current texts, ranked in place of what the index serves for it (preview)."""

    use_case_id: int
    texts: list[str]
    vectors: np.ndarray


@dataclass(frozen=True)
class ProblemGroup:
    """One problem of a description that names several, with the use cases for it."""

    text: str
    candidates: list[ranking.Candidate]


@dataclass(frozen=True)
class Ranking:
    """The most relevant indexed use cases for one description (KEPT_CANDIDATES of them, every
    one for a preview), most relevant first."""

    language: str
    model_name: str
    index_version: int
    candidates: list[ranking.Candidate]
    groups: list[ProblemGroup]
    low_confidence: bool
    # The served texts of the snapshot that ranked, which the candidates' evidence rows index:
    # a newer version swapped in meanwhile has other rows.
    texts: Sequence[str] = field(repr=False, default_factory=list)


def rank(text: str, language: str, *, draft: Draft | None = None) -> Ranking:
    """The one matching pipeline behind the API, the pages, the admin preview and `make
    evaluate`: encode the description (and its parts, when it has several), score every use
    case by centroid, best text and BM25, and find separate problems.

    Raises IndexUnavailable when there is no index, or when the served one was built by another
    model than the configured one (its vectors cannot be compared with the query's).
    """
    snapshot = store.current()
    part = snapshot.part(language)
    if part.model_name != model_name_for(language):
        store.request_refresh()
        raise IndexUnavailable(
            f"index v{snapshot.version} for '{language}' was built by {part.model_name}, "
            f"the configured model is {model_name_for(language)}; re-embedding"
        )
    encoder = get_encoder(language)
    segments = split_segments(text)
    # Each part reaches the encoder cut to SEGMENT_CHARACTERS. A text longer than the model reads
    # is represented by the mean of its parts instead of its truncated beginning, so a 5,000-
    # character text costs at most MAX_SEGMENTS short encoder passes.
    inputs = [text, *segments] if len(segments) > 1 else [text]
    # The parts go to the encoder in a batch of their own: batched with the whole text, each
    # would be padded to its length (a 60-word English query: 63 instead of 51 ms).
    parts = [s[:SEGMENT_CHARACTERS] for s in inputs[1:]]
    part_vectors = encoder.encode_queries(parts) if parts else None
    if part_vectors is not None and len(text) > encoder.spec.max_characters:
        whole = part_vectors.mean(axis=0)
        whole = (whole / np.linalg.norm(whole))[np.newaxis, :]
    else:
        whole = encoder.encode_queries([text])
    vectors = whole if part_vectors is None else np.vstack([whole, part_vectors])
    terms = [part.tokenize(piece) for piece in inputs]
    lexical = part.lexical
    if draft is not None:
        lexical = lexical.with_document(
            _draft_slot(part, draft), [t for own in draft.texts for t in part.tokenize(own)]
        )
    # One search and one product with the centroids for the text and all its parts: at 10,000
    # use cases a search per part cost more than encoding it.
    similarities, rows = part.search(vectors, DENSE_CANDIDATES)
    centroid_similarities = part.centroids @ vectors.T
    scored = [
        _score(
            part,
            Dense(vectors[i], similarities[i], rows[i], centroid_similarities[:, i]),
            terms[i],
            encoder.spec.similarity_range,
            draft,
            lexical,
        )
        for i in range(len(vectors))
    ]
    use_case_ids = scored[0].use_case_ids
    relevances = [ranking.relevance(evidence) for evidence in scored]
    # A part can only be a problem of its own when it reads as a business problem by itself.
    problem_parts = [
        i
        for i, segment in enumerate(segments, start=1)
        if len(segments) > 1
        and not offtopic.low_confidence(
            segment,
            language,
            encoder.spec,
            vectors[i],
            scored[i].hits[2],
            float(relevances[i].max()),
        )
    ]
    groups = _problem_groups(
        [segments[i - 1] for i in problem_parts],
        [relevances[i] for i in problem_parts],
        relevances[0],
        use_case_ids,
        encoder.spec.problem_min_relevance,
    )
    merged = np.max([relevances[0], *(g.relevance for g in groups)], axis=0)
    hits = _hits_by_use_case(scored[0])
    kept = len(use_case_ids) if draft is not None else KEPT_CANDIDATES
    candidates = _candidates(use_case_ids, merged, hits, kept)
    best = candidates[0].relevance if candidates else 0.0
    low_confidence = offtopic.low_confidence(
        text, language, encoder.spec, vectors[0], scored[0].hits[2], best
    )
    return Ranking(
        language=language,
        model_name=part.model_name,
        index_version=snapshot.version,
        candidates=candidates,
        groups=[
            ProblemGroup(g.text, _candidates(use_case_ids, g.relevance, hits, kept)) for g in groups
        ],
        low_confidence=low_confidence,
        texts=part.rows.texts,
    )


def match(request: MatchRequest) -> MatchResult:
    """Rank published use cases for a problem description and store the query unless opted out."""
    text = clean_problem_text(request.text)
    if not 1 <= request.top_k <= MAX_TOP_K:
        raise InvalidQuery("top_k", _("Choose between 1 and %(max)d results.") % {"max": MAX_TOP_K})
    if request.goal not in vocabularies.GOALS:
        raise InvalidQuery("goal", _("Unknown goal."))
    language = request.language or detect_language(text)
    value_weight = (
        settings.MATCH_DEFAULT_VALUE_WEIGHT
        if request.value_weight is None
        else request.value_weight
    )
    ranked = rank(text, language)
    listed = published_catalog.entries()
    listed_by_slug = published_catalog.by_slug()
    texts = ranked.texts

    def shown(candidates: list[ranking.Candidate], top_k: int) -> list[RankedUseCase]:
        ordered, fits = _order(candidates, listed, request, value_weight, top_k)
        return [
            _result(position, c, listed[c.use_case_id], texts, fits, request.company_size)
            for position, c in enumerate(ordered, start=1)
        ]

    with translation.override(language):
        results = shown(ranked.candidates, request.top_k)
        groups = [
            ProblemResults(text=group.text, results=shown(group.candidates, GROUP_RESULTS))
            for group in ranked.groups
        ]
    # Every result with its feasibility for this company (an estimate without answers).
    results, groups = feasibility.attach_all(
        results, groups, request.readiness, language, published_catalog.use_cases_by_slug()
    )
    shown_use_cases = {listed_by_slug[r.use_case.slug] for r in results}
    record_appearances(
        {
            (provider.pk, entry.use_case.pk)
            for entry in shown_use_cases
            for provider in entry.providers
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
            low_confidence=ranked.low_confidence,
            industry=request.industry,
            company_size=request.company_size,
            business_function=request.business_function,
            results=dump_results(results),
            groups=dump_groups(groups),
            readiness=request.readiness or None,
            model_name=ranked.model_name,
            index_version=ranked.index_version,
        )
        query_id = str(submission.pk)
    return MatchResult(
        query_id,
        language,
        ranked.low_confidence,
        results,
        groups,
        ranked.model_name,
        ranked.index_version,
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


def _draft_slot(part: LanguageIndex, draft: Draft) -> int:
    """The draft's position among the index's use cases; one past the last for a new one."""
    own = np.flatnonzero(part.use_case_ids == draft.use_case_id)
    return int(own[0]) if own.size else len(part.use_case_ids)


@dataclass(frozen=True)
class Dense:
    """One query vector with what the index found for it: the closest texts' similarities and
    rows (-1 pads where fewer exist) and its similarity to every use case's centroid."""

    vector: np.ndarray
    similarities: np.ndarray
    rows: np.ndarray
    centroid: np.ndarray


def _score(
    part: LanguageIndex,
    dense: Dense,
    terms: list[str],
    similarity_range: tuple[float, float],
    draft: Draft | None,
    lexical_index: BM25,
) -> ranking.Evidence:
    """Per use case of the index: centroid similarity, best text similarity, and BM25 for the
    text's `terms` (as `part.tokenize` gives them; `lexical_index` holds the draft's document
    in its slot when there is a draft)."""
    found = dense.rows >= 0  # FAISS pads with -1 when it finds fewer than asked
    rows, similarities = dense.rows[found], dense.similarities[found]
    use_case_ids = part.use_case_ids
    centroid = dense.centroid
    positions = part.use_case_of_row[rows]
    if draft is not None:
        # Rank the draft's current texts in place of the served ones (or as a new use case).
        slot = _draft_slot(part, draft)
        if slot < len(use_case_ids):
            keep = positions != slot
            rows, similarities, positions = rows[keep], similarities[keep], positions[keep]
            centroid = centroid.copy()
        else:
            use_case_ids = np.append(use_case_ids, draft.use_case_id)
            centroid = np.append(centroid, np.float32(0))
        centre = draft.vectors.mean(axis=0)
        centroid[slot] = (centre / max(float(np.linalg.norm(centre)), 1e-12)) @ dense.vector
        positions = np.append(positions, np.full(len(draft.texts), slot))
        rows = np.append(rows, np.full(len(draft.texts), -1))
        similarities = np.append(similarities, draft.vectors @ dense.vector)
    lexical = lexical_index.scores(terms)
    floor = float(similarities.min()) if similarities.size else 0.0
    best_text = np.full(len(use_case_ids), floor, dtype=np.float32)
    np.maximum.at(best_text, positions, similarities)
    return ranking.Evidence(
        use_case_ids=use_case_ids,
        centroid=centroid,
        best_text=best_text,
        lexical=lexical,
        similarity_range=similarity_range,
        hits=(positions, rows, similarities),
    )


def _hits_by_use_case(evidence: ranking.Evidence) -> dict[int, list[int]]:
    """Per use case position, its served text rows closest to the whole description."""
    positions, rows, similarities = evidence.hits
    order = np.argsort(-similarities, kind="stable")
    hits: dict[int, list[int]] = {}
    for position, row in zip(positions[order], rows[order], strict=True):
        if row >= 0:  # -1: a draft's own text, which the index does not serve
            hits.setdefault(int(position), []).append(int(row))
    return hits


def _candidates(
    use_case_ids: np.ndarray, relevance: np.ndarray, hits: dict[int, list[int]], kept: int
) -> list[ranking.Candidate]:
    """The `kept` most relevant use cases, ties by id."""
    order = np.lexsort((use_case_ids, -relevance))[:kept]
    return [
        ranking.Candidate(
            int(use_case_ids[i]),
            relevance=round(float(relevance[i]), 4),
            evidence=hits.get(int(i), [])[:MATCHED_ON_PER_RESULT],
        )
        for i in order
    ]


@dataclass(frozen=True)
class _Group:
    text: str
    relevance: np.ndarray


def _problem_groups(
    segments: list[str],
    relevances: list[np.ndarray],
    whole: np.ndarray,
    use_case_ids: np.ndarray,
    min_relevance: float,
) -> list[_Group]:
    """The description's separate problems, when its parts match different areas strongly.

    `segments` are the parts that read as business problems on their own (the off-topic check),
    `relevances` theirs and `whole` the whole description's. A part counts when its best use
    case reaches `min_relevance` and ranks in the first GROUP_WHOLE_RANK_SHARE of the catalog
    for the whole description; parts whose best use cases are of one cluster form one problem.
    Two problems are only reported when neither's best use case is among the other's first
    few: one problem told in several sentences is never split.
    """
    if len(segments) < 2:
        return []
    cluster_of = published_catalog.cluster_of()
    whole_rank = np.empty(len(whole), dtype=np.int64)
    whole_rank[np.argsort(-whole, kind="stable")] = np.arange(len(whole))
    rank_limit = GROUP_WHOLE_RANK_SHARE * len(whole)
    clusters: dict[str, list[int]] = {}
    for index, relevance in enumerate(relevances):
        top = int(np.argmax(relevance))
        cluster = cluster_of.get(int(use_case_ids[top]))
        pointed_at = whole_rank[top] < rank_limit
        if relevance[top] >= min_relevance and pointed_at and cluster is not None:
            clusters.setdefault(cluster, []).append(index)
    if len(clusters) < 2:
        return []
    groups = [
        _Group(
            " ".join(segments[i] for i in members),
            np.max([relevances[i] for i in members], axis=0),
        )
        for members in clusters.values()
    ]
    for a in groups:
        for b in groups:
            close_to_b = np.argsort(-b.relevance)[:GROUP_DISTINCT_RANKS]
            if a is not b and int(np.argmax(a.relevance)) in close_to_b:
                return []
    return groups


def _order(
    candidates: list[ranking.Candidate],
    listed: dict[int, Listed],
    request: MatchRequest,
    value_weight: float,
    top_k: int,
) -> tuple[list[ranking.Candidate], dict[int, dict[Refinement, bool]]]:
    """The final top_k order of the listed candidates, and each considered one's fits."""
    candidates = [c for c in candidates if c.use_case_id in listed]
    considered = [c.use_case_id for c in candidates[: top_k * 4]]
    fits = {pk: _fits(listed[pk].use_case, request) for pk in considered}
    values = {pk: listed[pk].potential.for_goal(request.goal) for pk in considered}
    ordered = ranking.order_by_value(
        candidates,
        values,
        value_weight=value_weight,
        top_k=top_k,
        fits_of={pk: sum(fit.values()) for pk, fit in fits.items()},
    )
    return ordered, fits


@dataclass(frozen=True)
class PreviewRank:
    """Where a use case would rank for a problem if it were published with its current texts."""

    language: str
    rank: int | None  # None: it is not among the ranked use cases
    competing: int  # published use cases it was ranked among
    relevance: float | None
    low_confidence: bool
    # The use cases ranked above it (or the top ones), best first, as a company would see them.
    ahead: list[RankedUseCase]
    slug: str  # the previewed use case's, to find it in `ahead`


def preview_rank(use_case: UseCase, text: str, *, shown: int = 5) -> PreviewRank:
    """Rank a draft (or an edited use case) among the published catalog for a test problem.

    Its texts are embedded now with the configured encoder and ranked in place of what the index
    serves for it, through the same `rank` and ordering as `match`; nothing is stored and the
    served index is left as it is.
    """
    text = clean_problem_text(text)
    language = detect_language(text)
    own_texts = [t.text for t in catalog_texts(use_case) if t.language == language]
    if not own_texts:
        raise InvalidQuery("text", _("This use case has no texts in this language yet."))
    vectors = get_encoder(language).encode_passages(
        own_texts, batch_size=settings.EMBEDDING_BATCH_SIZE
    )
    ranked = rank(text, language, draft=Draft(use_case.pk, own_texts, vectors))
    listed = {pk: entry for pk, entry in published_catalog.entries().items() if pk != use_case.pk}
    listed[use_case.pk] = Listed(use_case, use_case.value_potential, ())
    request = MatchRequest(text, top_k=len(listed), language=language, store=False)
    ordered, fits = _order(
        ranked.candidates, listed, request, settings.MATCH_DEFAULT_VALUE_WEIGHT, len(listed)
    )
    position = next((i for i, c in enumerate(ordered) if c.use_case_id == use_case.pk), None)
    with translation.override(language):
        ahead = [
            _result(rank_number, c, listed[c.use_case_id], ranked.texts, fits, "")
            for rank_number, c in enumerate(ordered[: max(shown, (position or 0) + 1)], start=1)
        ]
    return PreviewRank(
        language=language,
        rank=None if position is None else position + 1,
        competing=len(listed) - 1,
        relevance=None if position is None else round(ordered[position].relevance, 2),
        low_confidence=ranked.low_confidence,
        ahead=ahead,
        slug=use_case.slug,
    )


def warm_up() -> None:
    """Load both encoders, their off-topic examples and the current index now, so the first
    company does not wait."""
    for language in vocabularies.LANGUAGES:
        get_encoder(language).encode_queries(["warm up"])
        offtopic.example_vectors(model_name_for(language), language)
    try:
        store.current()
    except IndexUnavailable:
        logger.warning("no index yet; matching answers 503 until one is built")


def related_use_cases(use_case: UseCase, language: str, count: int = 4) -> list[int]:
    """Ids of the published use cases whose texts as a whole (their centroids) lie closest to
    this one's, most similar first; nothing without an index or when it is not indexed."""
    try:
        part = store.current().part(language)
    except IndexUnavailable:
        return []
    own = np.flatnonzero(part.use_case_ids == use_case.pk)
    if not own.size:
        return []
    similarities = part.centroids @ part.centroids[own[0]]
    similarities[own[0]] = -np.inf
    return [int(part.use_case_ids[i]) for i in np.argsort(-similarities)[:count]]


@dataclass(frozen=True)
class Listed:
    """A published use case as results show it."""

    use_case: UseCase
    potential: ValuePotential
    providers: tuple[Provider, ...]


class PublishedCatalog:
    """All published use cases with value potential and approved providers, held in memory.

    Reloaded at most every INDEX_VERSION_CHECK_SECONDS (the same freshness as the index), so a
    match runs no catalog queries. Only the first load happens in a request; later ones run in
    a background thread while requests keep the held entries (a reload of ~100 use cases with
    assessments and providers costs tens of milliseconds, of 10,000 several seconds), and never
    more often than every RELOAD_COST_FACTOR times the last load's duration, so a large catalog
    cannot keep a core busy reloading itself.
    """

    RELOAD_COST_FACTOR = 5

    def __init__(self, *, background: bool = True) -> None:
        # Tests set `background = False`: their transaction is invisible to another thread.
        self.background = background
        self._entries: dict[int, Listed] = {}
        self._lookups: _Lookups | None = None
        self._loaded_at: float | None = None
        self._load_seconds = 0.0
        self._reloading = False
        self._lock = threading.Lock()

    def entries(self) -> dict[int, Listed]:
        loaded_at = self._loaded_at
        if loaded_at is not None and not self._due(loaded_at):
            return self._entries
        if loaded_at is None or not self.background:
            with self._lock:
                if self._loaded_at is None or self._due(self._loaded_at):
                    self._load()
                return self._entries
        with self._lock:
            if not self._reloading:
                self._reloading = True
                threading.Thread(
                    target=self._reload_in_background, name="catalog-loader", daemon=True
                ).start()
        return self._entries

    def cluster_of(self) -> dict[int, str]:
        """Use case id -> cluster slug of the published use cases."""
        return self._lookups_now().cluster_of

    def by_slug(self) -> dict[str, Listed]:
        """The published use cases by slug."""
        return self._lookups_now().by_slug

    def use_cases_by_slug(self) -> dict[str, UseCase]:
        """The published use cases themselves, by slug (no queries once loaded)."""
        return self._lookups_now().use_cases_by_slug

    def _lookups_now(self) -> _Lookups:
        # Derived once per load, not per match: at 10,000 use cases each costs milliseconds.
        entries = self.entries()
        lookups = self._lookups
        if lookups is None or lookups.entries is not entries:
            lookups = _Lookups(
                entries,
                {pk: entry.use_case.cluster.slug for pk, entry in entries.items()},
                {entry.use_case.slug: entry for entry in entries.values()},
                {entry.use_case.slug: entry.use_case for entry in entries.values()},
            )
            self._lookups = lookups
        return lookups

    def reset(self) -> None:
        with self._lock:
            self._entries, self._loaded_at, self._load_seconds = {}, None, 0.0

    def _due(self, loaded_at: float) -> bool:
        interval = settings.INDEX_VERSION_CHECK_SECONDS
        if self.background:
            interval = max(interval, self.RELOAD_COST_FACTOR * self._load_seconds)
        return time.monotonic() - loaded_at >= interval

    def _load(self) -> None:
        started = time.monotonic()
        use_cases = list(UseCase.objects.for_display())
        offers = Provider.objects.offering(use_cases)
        # One assignment: a request holding the previous dict keeps a consistent catalog.
        self._entries = {u.pk: Listed(u, u.value_potential, tuple(offers[u.pk])) for u in use_cases}
        self._loaded_at = time.monotonic()
        self._load_seconds = self._loaded_at - started

    def _reload_in_background(self) -> None:
        from django.db import connections

        try:
            self._load()
        except Exception:
            # The database may be away: keep the held entries and try again after the interval.
            logger.exception("could not reload the published catalog; serving the held one")
            self._loaded_at = time.monotonic()
        finally:
            self._reloading = False
            connections.close_all()  # this thread's connections only


@dataclass(frozen=True)
class _Lookups:
    entries: dict[int, Listed]  # what they were derived from
    cluster_of: dict[int, str]
    by_slug: dict[str, Listed]
    use_cases_by_slug: dict[str, UseCase]


published_catalog = PublishedCatalog()


def _fits(use_case: UseCase, request: MatchRequest) -> dict[Refinement, bool]:
    """Which of the company's refinements this use case fits; all-industry use cases fit any."""
    fits: dict[Refinement, bool] = {}
    if request.industry:
        fits["industry"] = bool({request.industry, "cross_industry"} & set(use_case.industries))
    if request.business_function:
        fits["business_function"] = request.business_function in use_case.business_functions
    return fits


def reorder(results: list[RankedUseCase], goal: str, value_weight: float) -> list[RankedUseCase]:
    """Stored results in the order a different goal or value weight gives, ranks renumbered."""
    candidates = [
        ranking.Candidate(use_case_id=index, relevance=result.relevance)
        for index, result in enumerate(results)
    ]
    candidates.sort(key=lambda c: (-c.relevance, c.use_case_id))
    values = {index: result.value_potential.for_goal(goal) for index, result in enumerate(results)}
    fits = {index: result.fit_count for index, result in enumerate(results)}
    ordered = ranking.order_by_value(
        candidates, values, value_weight=value_weight, top_k=len(results), fits_of=fits
    )
    return [
        results[c.use_case_id].model_copy(update={"rank": rank, "score": round(c.score, 2)})
        for rank, c in enumerate(ordered, start=1)
    ]


def _matched_on(candidate: ranking.Candidate, texts: Sequence[str]) -> list[str]:
    """The use case's catalog texts closest to the query, best first."""
    return [texts[row] for row in candidate.evidence]


def _result(
    rank: int,
    candidate: ranking.Candidate,
    listed: Listed,
    texts: Sequence[str],
    fits: dict[int, dict[Refinement, bool]],
    company_size: str,
) -> RankedUseCase:
    use_case = listed.use_case
    return RankedUseCase(
        rank=rank,
        relevance=round(candidate.relevance, 2),
        score=round(candidate.score, 2),
        use_case=ResultUseCase(
            slug=use_case.slug,
            title=use_case.title,
            summary=use_case.summary,
            cluster=ResultCluster(slug=use_case.cluster.slug, name=use_case.cluster.name),
        ),
        value_potential=listed.potential,
        matched_on=_matched_on(candidate, texts),
        providers=[
            ResultProvider(slug=p.slug, name=p.name, is_example=p.is_example)
            for p in listed.providers
            if p.serves(company_size)
        ],
        fits=fits[candidate.use_case_id],
    )
