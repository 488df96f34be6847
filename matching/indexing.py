"""Keeping stored vectors and the FAISS index in line with the catalog.

The database is the source of truth: a catalog change marks the use case stale, and
`refresh_embeddings` encodes only texts whose content hash or model changed. Both functions are
safe to run twice or concurrently.
"""

from __future__ import annotations

import hashlib
import logging
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from matching import index as index_files
from matching.encoders import get_encoder, model_name_for
from matching.models import IndexBuild, TextEmbedding
from matching.text import split_sentences
from usecases.models import UseCase
from usecases.vocabularies import LANGUAGES

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (texts just encoded, texts to encode in all)
VECTOR_CHUNK = 2000  # stored vectors read per round trip when an index is built


@dataclass(frozen=True)
class CatalogText:
    kind: str
    language: str
    position: int
    text: str

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.kind, self.language, self.position)

    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class RefreshReport:
    use_cases: int = 0
    encoded: int = 0
    removed: int = 0
    failed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.encoded or self.removed)


def catalog_texts(use_case: UseCase) -> list[CatalogText]:
    """Every text of a use case that is matched against: both languages, all kinds."""
    kinds = TextEmbedding.Kind
    texts: list[CatalogText] = []
    for language in LANGUAGES:
        texts.append(
            CatalogText(kinds.TITLE, language, 0, getattr(use_case, f"title_{language}") or "")
        )
        texts.append(
            CatalogText(kinds.SUMMARY, language, 0, getattr(use_case, f"summary_{language}") or "")
        )
        sentences = split_sentences(getattr(use_case, f"description_{language}") or "")
        texts.extend(
            CatalogText(kinds.DESCRIPTION, language, i, s) for i, s in enumerate(sentences)
        )
        statements = use_case.problem_statements_in(language)
        texts.extend(
            CatalogText(kinds.PROBLEM_STATEMENT, language, i, s) for i, s in enumerate(statements)
        )
    return [t for t in texts if t.text.strip()]


def use_cases_needing_embedding() -> list[int]:
    """Stale or failed use cases, and published ones with missing vectors or another model's."""
    flagged = Q(
        embedding_status__in=[UseCase.EmbeddingStatus.STALE, UseCase.EmbeddingStatus.FAILED]
    )
    return sorted(
        UseCase.objects.filter(flagged | _vectors_outdated()).values_list("id", flat=True)
    )


def _vectors_outdated() -> Q:
    """Vectors stored by another model than the configured one, or a published use case
    without any. The stored status cannot know about a model changed in the settings."""
    own = TextEmbedding.objects.filter(use_case=OuterRef("pk"))
    other_model = own.filter(
        Q(language="en") & ~Q(model_name=model_name_for("en"))
        | Q(language="de") & ~Q(model_name=model_name_for("de"))
    )
    return Q(Exists(other_model)) | Q(status=UseCase.Status.PUBLISHED) & ~Q(Exists(own))


class EmbeddingState(TypedDict):
    embedding_state: str


def with_embedding_state(
    use_cases: QuerySet[UseCase],
) -> QuerySet[WithAnnotations[UseCase, EmbeddingState]]:
    """Annotate `embedding_state`: failed, stale or current for the configured models."""
    states = UseCase.EmbeddingStatus
    return use_cases.annotate(
        embedding_state=Case(
            When(embedding_status=states.FAILED, then=Value(states.FAILED)),
            When(Q(embedding_status=states.STALE) | _vectors_outdated(), then=Value(states.STALE)),
            default=Value(states.CURRENT),
        )
    )


def refresh_embeddings(
    use_case_ids: Iterable[int], *, batch_size: int | None = None, progress: Progress | None = None
) -> RefreshReport:
    """Encode the changed texts of these use cases and store their vectors.

    Unpublished use cases lose their vectors, since only published ones are ever matched. A use
    case is marked current only if nobody edited it while its texts were being encoded.
    """
    report = RefreshReport()
    use_cases = list(
        UseCase.objects.filter(pk__in=list(use_case_ids)).prefetch_related("problem_statements")
    )
    report.use_cases = len(use_cases)
    if not use_cases:
        return report  # nothing to do, and no reason to load a model
    pending: list[tuple[UseCase, CatalogText]] = []
    obsolete: list[int] = []
    stored: dict[int, dict[tuple[str, str, int], TextEmbedding]] = defaultdict(dict)
    for row in TextEmbedding.objects.filter(use_case__in=use_cases).only(
        "id", "use_case_id", "kind", "language", "position", "content_hash", "model_name"
    ):
        stored[row.use_case_id][(row.kind, row.language, row.position)] = row
    for use_case in use_cases:
        existing = stored[use_case.pk]
        wanted = catalog_texts(use_case) if use_case.status == UseCase.Status.PUBLISHED else []
        wanted_keys = {text.key for text in wanted}
        obsolete.extend(row.id for key, row in existing.items() if key not in wanted_keys)
        for text in wanted:
            stored_row = existing.get(text.key)
            if (
                stored_row is None
                or stored_row.content_hash != text.content_hash()
                or stored_row.model_name != model_name_for(text.language)
            ):
                pending.append((use_case, text))

    pending.sort(key=lambda item: item[1].language)  # one encoder run per language
    vectors = _encode([text for _, text in pending], batch_size, progress)
    with transaction.atomic():
        # Lock the use cases so a concurrent refresh of the same ones waits and then replaces
        # these rows with identical content instead of colliding on the unique key.
        list(UseCase.objects.select_for_update().filter(pk__in=[u.pk for u in use_cases]))
        replaced = {(use_case.pk, *text.key) for use_case, text in pending}
        current_rows = TextEmbedding.objects.filter(use_case__in=use_cases).values_list(
            "id", "use_case_id", "kind", "language", "position"
        )
        superseded = [row[0] for row in current_rows if tuple(row[1:]) in replaced]
        TextEmbedding.objects.filter(pk__in=[*obsolete, *superseded]).delete()
        report.removed = len(obsolete)
        TextEmbedding.objects.bulk_create(
            [
                TextEmbedding(
                    use_case=use_case,
                    kind=text.kind,
                    language=text.language,
                    position=text.position,
                    text=text.text,
                    content_hash=text.content_hash(),
                    model_name=model_name_for(text.language),
                    dimensions=vector.shape[0],
                    vector=vector.tobytes(),
                )
                for (use_case, text), vector in zip(pending, vectors, strict=True)
            ],
            batch_size=500,
        )
        for use_case in use_cases:
            # Compare-and-set: an edit during encoding leaves the use case stale for the next run.
            UseCase.objects.filter(pk=use_case.pk, updated_at=use_case.updated_at).update(
                embedding_status=UseCase.EmbeddingStatus.CURRENT, embedding_error=""
            )
    report.encoded = len(pending)
    logger.info(
        "refreshed %s use cases: %s texts encoded, %s removed",
        report.use_cases,
        report.encoded,
        report.removed,
    )
    return report


def _encode(
    texts: list[CatalogText], batch_size: int | None, progress: Progress | None
) -> np.ndarray:
    """Vectors for the texts in order, each encoded by its language's model, in chunks."""
    size = batch_size or settings.EMBEDDING_BATCH_SIZE
    chunk = size * 8
    parts = []
    for start in range(0, len(texts), chunk):
        batch = texts[start : start + chunk]
        for language in dict.fromkeys(t.language for t in batch):
            same = [t.text for t in batch if t.language == language]
            parts.append(get_encoder(language).encode_passages(same, batch_size=size))
        if progress is not None:
            progress(len(batch), len(texts))
    return np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)


def mark_failed(use_case_ids: Iterable[int], error: str) -> None:
    """Record the error on each use case; the sweeper and "re-embed selected" try again."""
    UseCase.objects.filter(pk__in=list(use_case_ids)).update(
        embedding_status=UseCase.EmbeddingStatus.FAILED, embedding_error=error[:2000]
    )


StoredPart = index_files.StoredPart


def stored_parts(
    models: dict[str, str], *, unchanged: Callable[[str, np.ndarray], bool] | None = None
) -> Iterator[tuple[str, StoredPart | None]]:
    """Per language, (model, vectors, rows) of the published use cases' texts embedded by the
    given model, in a stable order: what an index version is built from, by a worker writing
    files as well as by a web process building its in-memory index.

    One language at a time, so that only one language's vectors are in memory at once (300 MB
    of them at 10,000 use cases); a caller drops each part before asking for the next. Vectors
    are read in chunks (server-side cursor on PostgreSQL), so the peak stays near the size of
    the result instead of twice it. Languages without vectors are left out. When
    `unchanged(language, embedding_ids)` says a language's rows are held already, it comes as
    None, after one query for the ids instead of all texts and vectors.
    """
    for language, model_name in models.items():
        stored = TextEmbedding.objects.filter(
            language=language,
            model_name=model_name,
            use_case__status=UseCase.Status.PUBLISHED,
        ).order_by("use_case_id", "kind", "position")
        if unchanged is not None:
            ids = np.fromiter(stored.values_list("id", flat=True).iterator(), dtype=np.int64)
            if ids.size and unchanged(language, ids):
                yield language, None
                continue
        values = stored.values_list("id", "use_case_id", "kind", "text", "dimensions", "vector")
        embedding_ids = array("q")
        use_case_ids = array("q")
        kinds: list[str] = []
        texts: list[str] = []
        dimensions: set[int] = set()
        chunks: list[np.ndarray] = []
        pending: list[bytes] = []
        for embedding_id, use_case_id, kind, text, size, vector in values.iterator(
            chunk_size=VECTOR_CHUNK
        ):
            data = bytes(vector)
            if len(data) != size * 4:
                raise index_files.IndexUnavailable(
                    f"stored vector {embedding_id} has {len(data)} bytes, not {size} floats"
                )
            embedding_ids.append(embedding_id)
            use_case_ids.append(use_case_id)
            kinds.append(kind)
            texts.append(text)
            dimensions.add(size)
            pending.append(data)
            if len(pending) == VECTOR_CHUNK:
                chunks.append(np.frombuffer(b"".join(pending), dtype=np.float32))
                pending = []
        if not embedding_ids:
            continue
        if len(dimensions) != 1:
            raise index_files.IndexUnavailable(
                f"stored '{language}' vectors of {model_name} differ in dimensions: {dimensions}"
            )
        chunks.append(np.frombuffer(b"".join(pending), dtype=np.float32))
        vectors = np.concatenate(chunks).reshape(len(embedding_ids), dimensions.pop())
        del chunks, pending
        rows = index_files.IndexRows.of(embedding_ids, use_case_ids, kinds, texts)
        part = (model_name, vectors, rows)
        del vectors, rows, embedding_ids, use_case_ids, kinds, texts
        yield language, part
        del part


def configured_models() -> dict[str, str]:
    return {language: model_name_for(language) for language in LANGUAGES}


def rebuild_index() -> IndexBuild:
    """Build a new index version from the stored vectors of the configured models, write it to
    this machine's cache directory and record it; web processes everywhere then load it."""
    with index_files.build_lock():
        started = time.monotonic()
        models: dict[str, str] = {}
        use_case_ids: set[int] = set()
        vectors = dimensions = 0

        def counted() -> Iterator[tuple[str, StoredPart]]:
            nonlocal vectors, dimensions
            for language, part in stored_parts(configured_models()):
                assert part is not None  # only `unchanged` asks for None
                models[language] = part[0]
                use_case_ids.update(part[2].use_case_ids.tolist())
                vectors += len(part[2])
                dimensions = max(dimensions, part[1].shape[1])
                yield language, part
                del part  # before the next language is read

        latest = IndexBuild.objects.order_by("-version").values_list("version", flat=True).first()
        version = (latest or 0) + 1
        try:
            kind = index_files.write_index(version, counted())
        except index_files.NothingToIndex:
            raise index_files.IndexUnavailable(
                "no vectors stored for the configured models; run `manage.py reembed --all`"
            ) from None
        build = IndexBuild.objects.create(
            version=version,
            model_name=IndexBuild.describe_models(models),
            index_type=kind,
            vectors=vectors,
            use_cases=len(use_case_ids),
            dimensions=dimensions,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    logger.info("built %s", build)
    return build


def index_needs_rebuild() -> bool:
    """True when no index version is recorded yet, or the newest was built from other models
    than the configured ones. Missing or damaged cache files are no reason: every web process
    builds a version from the stored vectors when its own machine has no readable files."""
    latest = IndexBuild.objects.order_by("-version").first()
    if latest is None:
        return True
    recorded = latest.models_by_language()
    # A language without vectors at build time is absent from the record, not outdated.
    return any(
        recorded.get(language, name) != name for language, name in configured_models().items()
    )


def refresh_and_rebuild(
    use_case_ids: Iterable[int], *, progress: Progress | None = None
) -> RefreshReport:
    """Refresh these use cases and build a new index if any vector changed (or none is usable)."""
    ids = list(use_case_ids)
    try:
        report = refresh_embeddings(ids, progress=progress)
    except Exception as exc:
        mark_failed(ids, f"{type(exc).__name__}: {exc}")
        raise
    if report.changed or index_needs_rebuild():
        rebuild_index()
    return report
