"""Readers always get an index that agrees with its id map, while new versions are swapped in."""

from __future__ import annotations

import shutil
import threading

import numpy as np
import pytest
from django.conf import settings
from django.db import connection

from matching import indexing
from matching.index import IndexUnavailable, store, version_directory
from matching.models import IndexBuild, TextEmbedding
from matching.tasks import sweep_stale_embeddings
from tests.factories import make_use_case
from usecases.models import UseCase

DIMENSIONS = 384


def add_vectors(use_case, count: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(count, DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    TextEmbedding.objects.bulk_create(
        TextEmbedding(
            use_case=use_case,
            kind="problem_statement",
            language="en",
            position=i,
            text=f"text {seed}-{i}",
            content_hash=str(i),
            model_name=settings.EMBEDDING_MODEL,
            dimensions=DIMENSIONS,
            vector=vector.tobytes(),
        )
        for i, vector in enumerate(vectors)
    )


# SQLite's shared in-memory test database locks whole tables across threads, which says nothing
# about the index swap; the concurrency test runs on PostgreSQL.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_never_see_an_index_that_disagrees_with_its_id_map():
    add_vectors(make_use_case(statements=0), 50, seed=0)
    indexing.rebuild_index()
    observations: list[tuple[int, int, int]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                snapshot = store.current()  # one snapshot per "request"
                part = snapshot.part("en")
                query = np.ones((1, DIMENSIONS), dtype=np.float32) / np.sqrt(DIMENSIONS)
                _, rows = part.index.search(query, 5)
                assert all(0 <= r < part.size for r in rows[0])
                observations.append(
                    (snapshot.version, part.index.ntotal, len(part.rows.embedding_ids))
                )
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connection.close()

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for round_number in range(1, 6):
        add_vectors(make_use_case(statements=0), 10 * round_number, seed=round_number)
        indexing.rebuild_index()
    done.set()
    for reader in readers:
        reader.join()

    assert not errors, errors
    assert len({version for version, *_ in observations}) > 1, "readers never saw a new version"
    sizes_by_version: dict[int, set[int]] = {}
    for version, ntotal, id_map in observations:
        assert ntotal == id_map
        sizes_by_version.setdefault(version, set()).add(ntotal)
    assert all(len(sizes) == 1 for sizes in sizes_by_version.values()), sizes_by_version
    ordered = [sizes_by_version[v].pop() for v in sorted(sizes_by_version)]
    assert ordered == sorted(ordered), "a newer version never has fewer vectors here"


@pytest.mark.django_db
@pytest.mark.usefixtures("own_index_dir")
def test_a_build_leaves_no_temporary_files_and_keeps_the_last_three_versions():
    add_vectors(make_use_case(statements=0), 5, seed=1)
    for _ in range(5):
        latest = indexing.rebuild_index().version

    entries = sorted(
        p.name for p in settings.INDEX_DIR.iterdir() if not p.name.startswith(".build.lock")
    )
    assert not [name for name in entries if name.startswith(".building-")]
    assert version_directory(latest).exists()
    assert not version_directory(latest - 3).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("own_index_dir")
def test_a_missing_index_file_is_reported_and_repaired_from_the_database():
    add_vectors(make_use_case(statements=0), 5, seed=2)
    build = indexing.rebuild_index()
    for path in version_directory(build.version).iterdir():
        path.unlink()
    store.reset()
    assert indexing.index_needs_rebuild()

    with pytest.raises(IndexUnavailable):
        store.current()  # this request is answered 503; it queued a repair (run eagerly here)

    rebuilt = IndexBuild.objects.latest("version")
    assert rebuilt.version == build.version + 1
    assert store.current().version == rebuilt.version
    assert rebuilt.vectors == build.vectors
    assert IndexBuild.objects.filter(version=rebuilt.version).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("own_index_dir")
def test_the_periodic_sweep_rebuilds_an_index_whose_files_are_missing():
    add_vectors(make_use_case(statements=0), 5, seed=3)
    UseCase.objects.update(embedding_status=UseCase.EmbeddingStatus.CURRENT)
    build = indexing.rebuild_index()
    shutil.rmtree(version_directory(build.version))

    assert sweep_stale_embeddings() == 0  # nothing stale, but the files are gone: rebuild

    assert store.current().version == build.version + 1
