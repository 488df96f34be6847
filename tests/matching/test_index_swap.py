"""Readers always get an index that agrees with its id map, while new versions are loaded in the
background and swapped in; the index files are only a cache of the stored vectors."""

from __future__ import annotations

import shutil
import threading

import numpy as np
import pytest
from django.conf import settings
from django.db import connection

from matching import indexing
from matching.index import store, version_directory
from matching.models import IndexBuild, TextEmbedding
from matching.tasks import sweep_stale_embeddings
from tests.factories import make_use_case
from tests.matching.test_celery_redis import wait_for
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
    store.background = True  # as in a web process: readers never wait for a newer version
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
        latest = indexing.rebuild_index().version
    wait_for(lambda: bool(observations) and observations[-1][0] == latest, 30, "the last version")
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
def test_a_version_without_index_files_on_this_machine_is_built_from_the_stored_vectors():
    add_vectors(make_use_case(statements=0), 5, seed=2)
    build = indexing.rebuild_index()
    shutil.rmtree(version_directory(build.version))  # as on a machine that never built it
    store.reset()

    snapshot = store.current()

    assert snapshot.version == build.version
    # Every stored English vector of a published use case, whatever else the database holds.
    stored = TextEmbedding.objects.filter(
        language="en",
        model_name=settings.EMBEDDING_MODEL,
        use_case__status=UseCase.Status.PUBLISHED,
    ).values_list("id", flat=True)
    assert sorted(snapshot.part("en").rows.embedding_ids) == sorted(stored)
    assert not indexing.index_needs_rebuild()
    assert IndexBuild.objects.latest("version").version == build.version


@pytest.mark.django_db
@pytest.mark.usefixtures("own_index_dir")
def test_a_held_version_keeps_answering_when_the_newest_has_no_stored_vectors(monkeypatch):
    requested: list[str] = []
    monkeypatch.setattr(store, "_request_once", requested.append)
    use_case = make_use_case(statements=0)
    add_vectors(use_case, 5, seed=3)
    build = indexing.rebuild_index()
    assert store.current().version == build.version
    TextEmbedding.objects.all().delete()
    IndexBuild.objects.create(  # a version whose vectors are gone (a model change, say)
        version=build.version + 1,
        model_name=build.model_name,
        index_type="Flat",
        vectors=5,
        use_cases=1,
        dimensions=DIMENSIONS,
        duration_ms=1,
    )

    assert store.current().version == build.version
    assert requested == ["refresh_stale_embeddings"]  # the re-embedding makes a loadable one


@pytest.mark.django_db
@pytest.mark.usefixtures("own_index_dir")
def test_the_periodic_sweep_builds_no_version_when_only_this_machines_files_are_missing():
    add_vectors(make_use_case(statements=0), 5, seed=3)
    UseCase.objects.update(embedding_status=UseCase.EmbeddingStatus.CURRENT)
    build = indexing.rebuild_index()
    shutil.rmtree(version_directory(build.version))

    assert sweep_stale_embeddings() == 0

    assert IndexBuild.objects.latest("version").version == build.version
    assert store.current().version == build.version


@pytest.mark.django_db
@pytest.mark.usefixtures("own_index_dir")
def test_the_periodic_sweep_builds_a_version_when_none_is_recorded():
    add_vectors(make_use_case(statements=0), 5, seed=4)
    UseCase.objects.update(embedding_status=UseCase.EmbeddingStatus.CURRENT)
    IndexBuild.objects.all().delete()

    sweep_stale_embeddings()

    assert store.current().version == IndexBuild.objects.get().version
