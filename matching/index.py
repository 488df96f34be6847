"""FAISS index files: build, write atomically under a version, and serve consistent snapshots.

A build writes `index.faiss` and `meta.json` into a temporary directory, renames it to
`v<version>` and only then records the version in the database. Readers take one immutable
`IndexSnapshot` per request, so the vectors they search always agree with the id map they read.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from django.conf import settings
from django.db import DatabaseError
from pydantic import BaseModel, Field, model_validator

from matching.text import BM25, Decompounder, tokenize

logger = logging.getLogger(__name__)

KEEP_VERSIONS = 3
IVF_PROBES = 24
REPAIR_REQUEST_SECONDS = 60


class IndexUnavailable(RuntimeError):
    """No index has been built yet, or its files cannot be read."""


def create_index(vectors: np.ndarray, *, approximate_threshold: int | None = None):
    """Exact inner-product search for small catalogs, IVF (inverted lists) past the threshold.

    Vectors are L2-normalised, so inner product is cosine similarity.
    """
    import faiss

    threshold = approximate_threshold or settings.INDEX_APPROXIMATE_THRESHOLD
    count, dimensions = vectors.shape
    if count < threshold:
        index = faiss.IndexFlatIP(dimensions)
    else:
        lists = int(4 * math.sqrt(count))
        index = faiss.index_factory(dimensions, f"IVF{lists},Flat", faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = vectors[rng.choice(count, size=min(count, lists * 40), replace=False)]
        index.train(sample)
        index.nprobe = IVF_PROBES
    index.add(vectors)
    return index


def index_type(index) -> str:
    return type(index).__name__.replace("Index", "") or "Flat"


FORMAT_VERSION = 2


class IndexMeta(BaseModel):
    """What `<language>.json` beside each index file holds; validated on every read, so a file
    from another format or a damaged one leads to a repair, never to a crash."""

    format: Literal[2]
    language: str
    model_name: str
    dimensions: int = Field(gt=0)
    embedding_ids: list[int]
    use_case_ids: list[int]
    kinds: list[str]
    texts: list[str]

    @model_validator(mode="after")
    def rows_agree(self) -> IndexMeta:
        lengths = {
            len(self.embedding_ids),
            len(self.use_case_ids),
            len(self.kinds),
            len(self.texts),
        }
        if len(lengths) != 1 or not self.texts:
            raise ValueError("the row lists are empty or differ in length")
        return self


@dataclass(frozen=True)
class IndexRows:
    """What each vector of an index stands for, in the index's row order."""

    embedding_ids: list[int]
    use_case_ids: list[int]
    kinds: list[str]
    texts: list[str]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per loaded version
class LanguageIndex:
    """The searchable catalog of one language, with the model that embedded it.

    Texts are searched one by one (FAISS); use cases are scored as a whole by the centroid of
    their text vectors and by BM25 over one document per use case (all its texts).
    """

    language: str
    model_name: str
    index: Any
    rows: IndexRows
    use_case_ids: np.ndarray = field(repr=False)  # the use cases, sorted; centroid row order
    centroids: np.ndarray = field(repr=False)
    use_case_of_row: np.ndarray = field(repr=False)  # text row -> position in use_case_ids
    documents: list[list[str]] = field(repr=False)  # BM25 terms per use case
    lexical: BM25 = field(repr=False)
    decompounder: Decompounder | None = field(repr=False)

    @classmethod
    def build(
        cls, language: str, model_name: str, index: Any, rows: IndexRows, vectors: np.ndarray
    ) -> LanguageIndex:
        """Derive the per-use-case parts (centroids, documents) from the rows and vectors."""
        use_case_ids, use_case_of_row = np.unique(
            np.asarray(rows.use_case_ids, dtype=np.int64), return_inverse=True
        )
        centroids = np.zeros((len(use_case_ids), vectors.shape[1]), dtype=np.float32)
        np.add.at(centroids, use_case_of_row, vectors)
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        decompounder = Decompounder(rows.texts, language) if language == "de" else None
        documents: list[list[str]] = [[] for _ in use_case_ids]
        for position, text in zip(use_case_of_row, rows.texts, strict=True):
            documents[position].extend(tokenize(text, language, decompounder))
        return cls(
            language,
            model_name,
            index,
            rows,
            use_case_ids,
            centroids,
            use_case_of_row,
            documents,
            BM25(documents),
            decompounder,
        )

    @property
    def size(self) -> int:
        return len(self.rows.embedding_ids)

    def search(self, vectors: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, rows) of the `count` texts closest to each query vector; rows are -1
        where fewer texts exist."""
        return self.index.search(vectors, min(count, self.size))

    def tokenize(self, text: str) -> list[str]:
        """BM25 terms of a query, split like the catalog's documents."""
        return tokenize(text, self.language, self.decompounder)


@dataclass(frozen=True)
class IndexSnapshot:
    version: int
    parts: dict[str, LanguageIndex]

    def part(self, language: str) -> LanguageIndex:
        try:
            return self.parts[language]
        except KeyError:
            raise IndexUnavailable(
                f"index version {self.version} has no '{language}' texts"
            ) from None

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts.values())


def version_directory(version: int) -> Path:
    return settings.INDEX_DIR / f"v{version:06d}"


@contextmanager
def build_lock() -> Iterator[None]:
    """Serialise index writers on this machine (workers and management commands alike)."""
    settings.INDEX_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.INDEX_DIR / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_index(version: int, parts: dict[str, tuple[str, np.ndarray, IndexRows]]) -> str:
    """Write a version directory with one index per language, atomically.

    `parts` maps a language to (model name, vectors, rows). Returns the index type used.
    """
    import faiss

    settings.INDEX_DIR.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=settings.INDEX_DIR))
    kinds = set()
    try:
        for language, (model_name, vectors, rows) in parts.items():
            index = create_index(vectors)
            kinds.add(index_type(index))
            faiss.write_index(index, str(staging / f"{language}.faiss"))
            np.save(staging / f"{language}.vectors.npy", vectors)
            meta = IndexMeta(
                format=FORMAT_VERSION,
                language=language,
                model_name=model_name,
                dimensions=vectors.shape[1],
                **asdict(rows),
            )
            (staging / f"{language}.json").write_text(meta.model_dump_json(), encoding="utf-8")
        target = version_directory(version)
        if target.exists():
            shutil.rmtree(target)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _remove_old_versions(keep_from=version - KEEP_VERSIONS + 1)
    return "+".join(sorted(kinds))


def _remove_old_versions(keep_from: int) -> None:
    for directory in settings.INDEX_DIR.glob("v*"):
        try:
            number = int(directory.name[1:])
        except ValueError:
            continue
        if number < keep_from:
            shutil.rmtree(directory, ignore_errors=True)


def read_snapshot(version: int) -> IndexSnapshot:
    directory = version_directory(version)
    files = sorted(directory.glob("*.faiss"))
    if not files:
        raise IndexUnavailable(f"index version {version} has no files in {directory}")
    return IndexSnapshot(version, {f.stem: _read_part(version, f) for f in files})


def _read_part(version: int, path: Path) -> LanguageIndex:
    import faiss

    try:
        index = faiss.read_index(str(path))
        meta = IndexMeta.model_validate_json(path.with_suffix(".json").read_bytes())
        vectors = np.load(path.with_suffix(".vectors.npy"))
    except (OSError, RuntimeError, ValueError) as exc:
        # pydantic's ValidationError is a ValueError: a malformed or outdated meta file.
        raise IndexUnavailable(f"index version {version} cannot be read: {exc}") from exc
    if getattr(index, "nprobe", None) is not None:
        index.nprobe = IVF_PROBES
    rows = IndexRows(meta.embedding_ids, meta.use_case_ids, meta.kinds, meta.texts)
    if not (index.ntotal == len(rows.embedding_ids) == vectors.shape[0]) or (
        index.d != meta.dimensions or vectors.shape[1] != meta.dimensions
    ):
        raise IndexUnavailable(f"index version {version} disagrees with its id map")
    return LanguageIndex.build(meta.language, meta.model_name, index, rows, vectors)


class IndexStore:
    """Holds the served snapshot of one process and swaps in newer versions.

    At most every `INDEX_VERSION_CHECK_SECONDS` a request asks the database for the newest
    version (one small query); a newer one is loaded and replaces the held snapshot in a single
    assignment, so concurrent requests see either the old or the new snapshot, never a mix.
    """

    def __init__(self) -> None:
        self._snapshot: IndexSnapshot | None = None
        self._checked_at = 0.0
        self._requested_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def current(self) -> IndexSnapshot:
        snapshot = self._snapshot
        if (
            snapshot is not None
            and time.monotonic() - self._checked_at < settings.INDEX_VERSION_CHECK_SECONDS
        ):
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            try:
                latest = _latest_version()
            except DatabaseError:
                if snapshot is None:
                    raise IndexUnavailable("the database does not answer") from None
                # Keep serving what we have; the next request asks again.
                logger.warning("index version check failed; serving v%s", snapshot.version)
                return snapshot
            self._checked_at = time.monotonic()
            if latest is None:
                raise IndexUnavailable("no index has been built yet")
            if snapshot is None or snapshot.version != latest:
                try:
                    snapshot = read_snapshot(latest)
                except IndexUnavailable:
                    self._request_repair()
                    if snapshot is None:
                        raise
                    # Files of the newest version are missing or broken on this machine: keep
                    # answering from the held version until a rebuild writes a readable one.
                    logger.exception("cannot load index v%s; serving v%s", latest, snapshot.version)
                    return snapshot
                self._snapshot = snapshot
                logger.info("serving index v%s (%s vectors)", snapshot.version, snapshot.size)
            return snapshot

    def request_refresh(self) -> None:
        """Ask a worker to re-embed what the configured models have not embedded yet, at most
        once per REPAIR_REQUEST_SECONDS per process (used when the served index was built by
        another model than the configured one)."""
        self._request_once("refresh_stale_embeddings")

    def reset(self) -> None:
        with self._lock:
            self._snapshot = None
            self._checked_at = 0.0
            self._requested_at = {}

    def _request_repair(self) -> None:
        """Ask a worker to rebuild the unreadable index from the stored vectors, at most once
        per REPAIR_REQUEST_SECONDS per process (every request would otherwise queue one).

        Without a broker the task runs here and now, so the next request finds a good index.
        """
        self._request_once("repair_index")

    def _request_once(self, task_name: str) -> None:
        now = time.monotonic()
        requested = self._requested_at.get(task_name)
        if requested is not None and now - requested < REPAIR_REQUEST_SECONDS:
            return
        self._requested_at[task_name] = now
        from matching import tasks

        try:
            getattr(tasks, task_name).delay()
        except Exception:
            # The broker may be down; the periodic sweep finds the same work.
            logger.exception("could not queue %s", task_name)


def _latest_version() -> int | None:
    from matching.models import IndexBuild

    return IndexBuild.objects.order_by("-version").values_list("version", flat=True).first()


store = IndexStore()
