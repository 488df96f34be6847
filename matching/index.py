"""The in-memory search index: built from the stored vectors, cached in files, swapped safely.

PostgreSQL is the source of truth: `TextEmbedding` holds the vectors, `IndexBuild` numbers the
versions. A build (worker or management command) writes `<language>.faiss`, the vectors and
`<language>.json` into a temporary directory under this machine's `INDEX_DIR`, renames it to
`v<version>` and only then records the version. Those files are a local cache: a web process
that sees a newer version loads it from them when this machine has them, and otherwise builds
it from the stored vectors, in the background, answering from the version it holds meanwhile.
Readers take one immutable `IndexSnapshot` per request, so the vectors they search always agree
with the id map they read.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import shutil
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate, islice
from pathlib import Path
from typing import Any, Final, Literal, overload

import numpy as np
from django.conf import settings
from django.db import DatabaseError
from filelock import FileLock
from pydantic import BaseModel, Field, model_validator

from matching.text import BM25, Decompounder, tokenize, tokenize_all

logger = logging.getLogger(__name__)

KEEP_VERSIONS = 3
IVF_PROBES = 24
# A new version keeps the previous version's trained IVF lists while the number of lists its
# size calls for differs by at most this share (the catalog grew or shrank by about 20 %).
LIST_REUSE_TOLERANCE = 0.1
StoredPart = tuple[str, np.ndarray, "IndexRows"]  # (model name, vectors, rows)
REPAIR_REQUEST_SECONDS = 60


class IndexUnavailable(RuntimeError):
    """No index has been built yet, or its files cannot be read."""


class NothingToIndex(IndexUnavailable):
    """No vectors are stored for the models an index version was asked for."""


def create_index(vectors: np.ndarray, *, approximate_threshold: int | None = None, lists_of=None):
    """Exact inner-product search for small catalogs; past the threshold, IVF (inverted lists)
    over vectors stored as 8-bit scalar codes, a quarter of float32's memory (150 MB instead of
    600 MB for 400,000 vectors of 384 dimensions) at a similarity error of about 0.001.

    Training the lists (k-means) is most of the build's time; `lists_of`, an IVF index of the
    version before, lends its trained lists when it has about as many of them as these vectors
    call for, since a catalog edit hardly moves them. Vectors are L2-normalised, so inner
    product is cosine similarity.
    """
    import faiss

    threshold = approximate_threshold or settings.INDEX_APPROXIMATE_THRESHOLD
    count, dimensions = vectors.shape
    if count < threshold:
        index: faiss.Index = faiss.IndexFlatIP(dimensions)
        index.add(vectors)
        return index
    lists = int(4 * math.sqrt(count))
    quantizer = faiss.IndexFlatIP(dimensions)
    if (
        getattr(lists_of, "nlist", None) is not None
        and lists_of.d == dimensions
        and abs(lists_of.nlist - lists) <= LIST_REUSE_TOLERANCE * lists
    ):
        # FAISS trains only the scalar codes when the quantizer holds one centroid per list.
        lists = lists_of.nlist
        quantizer.add(lists_of.quantizer.reconstruct_n(0, lists))
    index = faiss.IndexIVFScalarQuantizer(
        quantizer, dimensions, lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    # Ten k-means rounds instead of FAISS's 25: half the training time at the same recall@10
    # (measured on 200,000 generated German texts: 0.978 vs 0.984, 50 queries).
    index.cp.niter = 10
    rng = np.random.default_rng(0)
    index.train(vectors[rng.choice(count, size=min(count, lists * 40), replace=False)])
    index.nprobe = IVF_PROBES
    index.add(vectors)
    # FAISS adds in blocks, growing each list's buffers as it goes, so they end with up to twice
    # the room they hold; a copy read back from its serialised form holds exactly its codes
    # (measured at 10,000 use cases: 40 MB less per web process).
    serialised = faiss.serialize_index(index)
    del index
    return faiss.deserialize_index(serialised)


def index_type(index) -> str:
    return type(index).__name__.replace("Index", "") or "Flat"


FORMAT_VERSION: Final = 2


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


class TextColumn(Sequence[str]):
    """Many short texts in little memory: UTF-8, compressed with zlib in blocks of BLOCK
    texts, with each text's end within its block. A Python string per text would cost about
    60 bytes of overhead and a list slot; the 400,000 texts of a large catalog take a third
    of their plain size this way. Reading one text decompresses its block (microseconds),
    which only the few texts a result shows ever need."""

    BLOCK = 64

    __slots__ = ("_blocks", "_ends")

    def __init__(self, texts: Iterable[str]) -> None:
        blocks: list[bytes] = []
        ends: list[int] = []
        iterator = iter(texts)
        while chunk := [text.encode("utf-8") for text in islice(iterator, self.BLOCK)]:
            blocks.append(zlib.compress(b"".join(chunk)))
            ends.extend(accumulate(len(text) for text in chunk))
        self._blocks = blocks
        self._ends = np.array(ends, dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, row: int) -> str: ...

    @overload
    def __getitem__(self, row: slice) -> list[str]: ...

    def __getitem__(self, row: int | slice) -> str | list[str]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        block, first = divmod(row, self.BLOCK)
        start = int(self._ends[row - 1]) if first else 0
        data = zlib.decompress(self._blocks[block])
        return data[start : int(self._ends[row])].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        ends = self._ends.tolist()
        for number, block in enumerate(self._blocks):
            data = zlib.decompress(block)
            start = 0
            for end in ends[number * self.BLOCK : (number + 1) * self.BLOCK]:
                yield data[start:end].decode("utf-8")
                start = end

    def nbytes(self) -> int:
        """Memory held, roughly: the compressed blocks and the ends."""
        return sum(len(block) for block in self._blocks) + self._ends.nbytes


@dataclass(frozen=True, eq=False)
class IndexRows:
    """What each vector of an index stands for, in the index's row order: compact arrays, not
    a Python object per text (a large catalog has hundreds of thousands of rows)."""

    embedding_ids: np.ndarray  # int64
    use_case_ids: np.ndarray  # int64
    kinds: list[str]  # interned: four distinct strings, one pointer per row
    texts: TextColumn

    @classmethod
    def of(
        cls,
        embedding_ids: Iterable[int],
        use_case_ids: Iterable[int],
        kinds: Iterable[str],
        texts: Iterable[str],
    ) -> IndexRows:
        return cls(
            np.fromiter(embedding_ids, dtype=np.int64),
            np.fromiter(use_case_ids, dtype=np.int64),
            [sys.intern(kind) for kind in kinds],
            texts if isinstance(texts, TextColumn) else TextColumn(texts),
        )

    def __len__(self) -> int:
        return len(self.embedding_ids)

    def check(self) -> None:
        """ValueError unless there are rows and every column has one entry per row."""
        columns = (self.embedding_ids, self.use_case_ids, self.kinds, self.texts)
        if len({len(column) for column in columns}) != 1 or not len(self.texts):
            raise ValueError("the row lists are empty or differ in length")

    def same_as(self, other: IndexRows) -> bool:
        """Stored vectors are never changed in place (an edited text gets a new row), so equal
        embedding ids in equal order mean equal vectors and texts."""
        return np.array_equal(self.embedding_ids, other.embedding_ids) and np.array_equal(
            self.use_case_ids, other.use_case_ids
        )

    def as_lists(self) -> dict[str, list[Any]]:
        """The columns as IndexMeta stores them."""
        return {
            "embedding_ids": self.embedding_ids.tolist(),
            "use_case_ids": self.use_case_ids.tolist(),
            "kinds": list(self.kinds),
            "texts": list(self.texts),
        }


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
    lexical: BM25 = field(repr=False)  # one document per use case, in use_case_ids order
    decompounder: Decompounder | None = field(repr=False)

    @classmethod
    def build(
        cls, language: str, model_name: str, index: Any, rows: IndexRows, vectors: np.ndarray
    ) -> LanguageIndex:
        """Derive the per-use-case parts (centroids, BM25 documents) from the rows and vectors."""
        use_case_ids, use_case_of_row = np.unique(rows.use_case_ids, return_inverse=True)
        decompounder = Decompounder(rows.texts, language) if language == "de" else None
        lexical = BM25.grouped(
            tokenize_all(rows.texts, language, decompounder),
            use_case_of_row,
            len(use_case_ids),
        )
        return cls(
            language,
            model_name,
            index,
            rows,
            use_case_ids,
            _centroids(vectors, use_case_of_row, len(use_case_ids)),
            use_case_of_row,
            lexical,
            decompounder,
        )

    @property
    def size(self) -> int:
        return len(self.rows)

    def search(self, vectors: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, rows) of the `count` texts closest to each query vector; rows are -1
        where fewer texts exist."""
        return self.index.search(vectors, min(count, self.size))

    def tokenize(self, text: str) -> list[str]:
        """BM25 terms of a query, split like the catalog's documents."""
        return tokenize(text, self.language, self.decompounder)

    def rows_of(self, position: int) -> np.ndarray:
        """The text rows of the use case at `position` in use_case_ids."""
        return np.flatnonzero(self.use_case_of_row == position)


def _centroids(vectors: np.ndarray, use_case_of_row: np.ndarray, count: int) -> np.ndarray:
    """The normalised mean of each use case's text vectors. The sums are those `np.add.at`
    would give (each use case's rows added in their order, bit for bit) without its per-row
    cost: step k adds the k-th row of every use case at once."""
    order = np.argsort(use_case_of_row, kind="stable")
    owners = use_case_of_row[order]
    starts = np.flatnonzero(np.r_[True, np.diff(owners) != 0])
    rank = np.arange(len(owners)) - np.repeat(starts, np.diff(np.r_[starts, len(owners)]))
    centroids = np.zeros((count, vectors.shape[1]), dtype=np.float32)
    for k in range(int(rank.max(initial=-1)) + 1):
        rows = order[rank == k]
        centroids[use_case_of_row[rows]] += vectors[rows]
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    return centroids


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
    with FileLock(settings.INDEX_DIR / ".build.lock"):
        yield


def write_index(version: int, parts: Iterable[tuple[str, StoredPart]]) -> str:
    """Write a version directory with one index per language, atomically.

    `parts` gives (language, (model name, vectors, rows)), one language at a time. Returns the
    index type used; NothingToIndex when there are no parts.
    """
    import faiss

    settings.INDEX_DIR.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=settings.INDEX_DIR))
    kinds = set()
    try:
        for language, (model_name, vectors, rows) in parts:
            index = create_index(vectors)
            kinds.add(index_type(index))
            faiss.write_index(index, str(staging / f"{language}.faiss"))
            np.save(staging / f"{language}.vectors.npy", vectors)
            meta = IndexMeta(
                format=FORMAT_VERSION,
                language=language,
                model_name=model_name,
                dimensions=vectors.shape[1],
                **rows.as_lists(),
            )
            (staging / f"{language}.json").write_text(meta.model_dump_json(), encoding="utf-8")
            del index, vectors, rows, meta  # before the next language is read
        if not kinds:
            raise NothingToIndex(f"index version {version} has no stored vectors")
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


def read_snapshot(version: int, held: IndexSnapshot | None = None) -> IndexSnapshot:
    """The index of `version` from this machine's cache files, validated; IndexUnavailable when
    they are missing, damaged, of another format or disagree with their id map. Languages whose
    rows equal the held snapshot's reuse its built parts."""
    directory = version_directory(version)
    files = sorted(directory.glob("*.faiss"))
    if not files:
        raise IndexUnavailable(f"index version {version} has no files in {directory}")
    return IndexSnapshot(version, {f.stem: _read_part(version, f, held) for f in files})


def _reusable(
    held: IndexSnapshot | None, language: str, model_name: str, rows: IndexRows
) -> LanguageIndex | None:
    """The held part for these exact rows, if any: the churn of versions without a change (a
    rebuild, another language's edit) costs no build."""
    part = held.parts.get(language) if held is not None else None
    if part is not None and part.model_name == model_name and part.rows.same_as(rows):
        return part
    return None


def _read_part(version: int, path: Path, held: IndexSnapshot | None = None) -> LanguageIndex:
    import faiss

    try:
        meta = IndexMeta.model_validate_json(path.with_suffix(".json").read_bytes())
        rows = IndexRows.of(meta.embedding_ids, meta.use_case_ids, meta.kinds, meta.texts)
        language, model_name, dimensions = meta.language, meta.model_name, meta.dimensions
        del meta  # its lists of Python objects, before the vectors are read
        if (same := _reusable(held, language, model_name, rows)) is not None:
            return same
        index = faiss.read_index(str(path))
        vectors = np.load(path.with_suffix(".vectors.npy"))
    except (OSError, RuntimeError, ValueError) as exc:
        # pydantic's ValidationError is a ValueError: a malformed or outdated meta file.
        raise IndexUnavailable(f"index version {version} cannot be read: {exc}") from exc
    if getattr(index, "nprobe", None) is not None:
        index.nprobe = IVF_PROBES  # type: ignore[attr-defined]  # an IVF index, as just checked
    if not (index.ntotal == len(rows) == vectors.shape[0]) or (
        index.d != dimensions or vectors.shape[1] != dimensions
    ):
        raise IndexUnavailable(f"index version {version} disagrees with its id map")
    return LanguageIndex.build(language, model_name, index, rows, vectors)


def build_snapshot(
    version: int,
    parts: Iterable[tuple[str, StoredPart | None]],
    held: IndexSnapshot | None = None,
) -> IndexSnapshot:
    """An in-memory index from vectors and rows (as `stored_parts` reads them from the
    database, one language at a time), validated like the metadata of a cache file before
    anything is built. Languages whose rows equal the held snapshot's reuse its built parts
    (a part of None: `stored_parts` found them unchanged), and a changed language keeps the
    held version's trained IVF lists when it has about as many vectors."""
    built = {}
    for language, part in parts:
        if part is None:
            assert held is not None
            built[language] = held.parts[language]
            continue
        model_name, vectors, rows = part
        del part  # the caller's generator drops its reference too: one language in memory
        try:
            rows.check()
            if vectors.ndim != 2 or not vectors.shape[1]:
                raise ValueError(f"vectors of shape {vectors.shape}")
        except ValueError as exc:
            raise IndexUnavailable(f"index version {version} cannot be built: {exc}") from exc
        if vectors.shape[0] != len(rows):
            raise IndexUnavailable(f"index version {version} disagrees with its id map")
        previous = held.parts.get(language) if held is not None else None
        if previous is not None and previous.model_name != model_name:
            previous = None
        if previous is not None and previous.rows.same_as(rows):
            built[language] = previous
        else:
            index = create_index(vectors, lists_of=previous.index if previous else None)
            built[language] = LanguageIndex.build(language, model_name, index, rows, vectors)
        del vectors, rows
    if not built:
        raise IndexUnavailable(f"index version {version} has no stored vectors")
    return IndexSnapshot(version, built)


@dataclass(frozen=True)
class BuildRecord:
    """What the database says about an index version: enough to tell whether a cache file
    belongs to it and which model's stored vectors make it up."""

    version: int
    vectors: int
    models: dict[str, str]  # language -> model name


def load_version(record: BuildRecord, held: IndexSnapshot | None = None) -> IndexSnapshot:
    """The index of a recorded version: from this machine's cache files when they match the
    record, else built from the vectors stored in the database for the models it names.

    Only the named models' vectors are read, so a version built by another model than the
    configured one stays recognisable as such (and `rank()` refuses to serve it).
    """
    try:
        cached = read_snapshot(record.version, held)
    except IndexUnavailable as exc:
        if version_directory(record.version).exists():
            logger.warning("ignoring the cache of index v%s: %s", record.version, exc)
    else:
        models = {language: part.model_name for language, part in cached.parts.items()}
        if cached.size == record.vectors and models == record.models:
            return cached
        # Another database's files, or a cache written before this record: not ours.
        logger.warning("the cache of index v%s disagrees with its record", record.version)
    from matching.indexing import stored_parts

    def unchanged(language: str, embedding_ids: np.ndarray) -> bool:
        part = held.parts.get(language) if held is not None else None
        return (
            part is not None
            and part.model_name == record.models[language]
            and np.array_equal(part.rows.embedding_ids, embedding_ids)
        )

    started = time.monotonic()
    parts = stored_parts(record.models, unchanged=unchanged)
    snapshot = build_snapshot(record.version, parts, held)
    logger.info(
        "built index v%s from %s stored vectors in %.1f s",
        record.version,
        snapshot.size,
        time.monotonic() - started,
    )
    return snapshot


class IndexStore:
    """Holds the served snapshot of one process and swaps in newer versions without a pause.

    At most every `INDEX_VERSION_CHECK_SECONDS` a request asks the database for the newest
    version (one small query). A newer one is loaded (`load_version`) in a background thread
    while requests keep getting the held snapshot; the loaded one then replaces it in a single
    assignment, so concurrent requests see either the old or the new snapshot, never a mix, and
    never an error because a version changed. Only a process that holds no index yet loads in
    the request, and its concurrent requests wait for that one load.
    """

    RETRY_SECONDS = 10.0  # after a failed load of a version, before it is tried again

    def __init__(self, *, background: bool = True) -> None:
        # Tests set `background = False`: their database transaction is invisible to another
        # thread's connection. The web processes they start load in the background.
        self.background = background
        self._snapshot: IndexSnapshot | None = None
        self._checked_at = 0.0
        self._requested_at: dict[str, float] = {}
        self._failed_at: dict[int, float] = {}
        self._loader: threading.Thread | None = None
        self._lock = threading.Lock()  # the version check and the start of a load
        self._load_lock = threading.Lock()  # one load at a time

    def current(self) -> IndexSnapshot:
        snapshot = self._snapshot
        if snapshot is not None and not self._check_due():
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is not None and not self._check_due():
                return snapshot  # another thread has just checked
            try:
                record = _latest_build()
            except DatabaseError:
                if snapshot is None:
                    raise IndexUnavailable("the database does not answer") from None
                # Keep serving what we have; the next request asks again.
                logger.warning("index version check failed; serving v%s", snapshot.version)
                return snapshot
            self._checked_at = time.monotonic()
            if record is None:
                raise IndexUnavailable("no index has been built yet")
            if snapshot is not None:
                if snapshot.version != record.version and self.background:
                    self._load_in_background(record)
                    return snapshot
                if snapshot.version == record.version:
                    return snapshot
        return self._load_now(record)

    def _check_due(self) -> bool:
        return time.monotonic() - self._checked_at >= settings.INDEX_VERSION_CHECK_SECONDS

    def _load_now(self, record: BuildRecord) -> IndexSnapshot:
        """Load in this request: the process holds no index yet (or loads synchronously)."""
        with self._load_lock:
            held = self._snapshot
            if held is not None and held.version == record.version:
                return held  # a concurrent request loaded it meanwhile
            try:
                snapshot = load_version(record, held)
            except IndexUnavailable:
                self._failed_at[record.version] = time.monotonic()
                self._request_refresh_after_failure()
                if held is None:
                    raise
                logger.exception("cannot load index v%s; serving v%s", record.version, held.version)
                return held
            self._install(snapshot)
            return snapshot

    def _load_in_background(self, record: BuildRecord) -> None:
        """Start loading `record` unless a load is running or this version failed just now;
        a version that appears meanwhile is picked up by the next check after it."""
        if self._loader is not None and self._loader.is_alive():
            return
        failed = self._failed_at.get(record.version)
        if failed is not None and time.monotonic() - failed < self.RETRY_SECONDS:
            return
        self._loader = threading.Thread(
            target=self._background_load, args=(record,), name="index-loader", daemon=True
        )
        self._loader.start()

    def _background_load(self, record: BuildRecord) -> None:
        from django.db import connections

        try:
            with self._load_lock:
                snapshot = load_version(record, self._snapshot)
                self._install(snapshot)
        except IndexUnavailable:
            # No usable vectors for that version's models: the held version keeps answering,
            # and a re-embedding will record a loadable version.
            self._failed_at[record.version] = time.monotonic()
            logger.exception("cannot load index v%s in the background", record.version)
            self._request_refresh_after_failure()
        except Exception:
            # A database error, say: the held version keeps answering; retried later.
            self._failed_at[record.version] = time.monotonic()
            logger.exception("cannot load index v%s in the background", record.version)
        finally:
            connections.close_all()  # this thread's connections only

    def _install(self, snapshot: IndexSnapshot) -> None:
        self._snapshot = snapshot
        self._failed_at.pop(snapshot.version, None)
        logger.info("serving index v%s (%s vectors)", snapshot.version, snapshot.size)
        return_freed_memory()

    def wait_for_loads(self, timeout: float | None = None) -> None:
        """Wait until a running background load has finished (tests, benchmarks)."""
        loader = self._loader
        if loader is not None:
            loader.join(timeout)

    def request_refresh(self) -> None:
        """Ask a worker to re-embed what the configured models have not embedded yet, at most
        once per REPAIR_REQUEST_SECONDS per process (used when the served index was built by
        another model than the configured one)."""
        self._request_once("refresh_stale_embeddings")

    def reset(self) -> None:
        self.wait_for_loads()
        with self._lock:
            self._snapshot = None
            self._checked_at = 0.0
            self._requested_at = {}
            self._failed_at = {}

    def _request_refresh_after_failure(self) -> None:
        """A version that cannot be loaded has no usable stored vectors (a model change while
        re-embedding, or vectors deleted): ask for the re-embedding and a new version, at most
        once per REPAIR_REQUEST_SECONDS per process. Without a broker the task runs here."""
        self._request_once("refresh_stale_embeddings")

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


def return_freed_memory() -> None:
    """Hand memory freed since the last call back to the operating system. glibc keeps freed
    heap memory for reuse, so after building the index of a large catalog (vectors read in
    chunks, tokens, the previous version) a process would otherwise keep the build's peak."""
    with contextlib.suppress(OSError, AttributeError):  # another C library keeps what it keeps
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _latest_build() -> BuildRecord | None:
    from matching.models import IndexBuild

    build = IndexBuild.objects.order_by("-version").only("version", "vectors", "model_name").first()
    if build is None:
        return None
    return BuildRecord(build.version, build.vectors, build.models_by_language())


store = IndexStore()
