"""Catalog changes travel through a real Redis broker to a real Celery worker process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from matching import indexing
from matching.index import store
from matching.models import IndexBuild, TextEmbedding
from matching.services import MatchRequest, match
from matching.tasks import sweep_stale_embeddings
from tests.factories import make_cluster, make_use_case
from usecases.models import ProblemStatement, UseCase

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,  # the worker is another process and must see the same database
    pytest.mark.model,
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """A `celery worker` subprocess on a queue of its own, logging to a file."""

    def __init__(self, queue: str, log: Path, broker_url: str | None = None) -> None:
        self.queue, self.log = queue, log
        self.broker_url = broker_url or os.environ["CELERY_BROKER_URL"]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        database = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "INDEX_DIR": str(settings.INDEX_DIR),
            "CELERY_QUEUE": self.queue,
            "CELERY_BROKER_URL": self.broker_url,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def broker_queue(tmp_path) -> Iterator[tuple[str, Path]]:
    """Tasks go to Redis (not eagerly) on a queue only this test's worker consumes."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    yield queue, tmp_path / "worker.log"
    app.conf.task_always_eager = True
    app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def worker(broker_queue) -> Iterator[Worker]:
    queue, log = broker_queue
    running = Worker(queue, log)
    running.start()
    yield running
    running.stop()


def statuses(use_cases: list[UseCase]) -> set[str]:
    return set(
        UseCase.objects.filter(pk__in=[u.pk for u in use_cases]).values_list(
            "embedding_status", flat=True
        )
    )


def test_an_edit_reaches_the_index_through_redis_and_a_worker(worker):
    use_case = make_use_case(
        title_en="Forklift collision warning in the warehouse",
        summary_en="Warns forklift drivers and warehouse staff before they collide.",
    )
    assert statuses([use_case]) == {"stale"}  # queued, not run in this process

    wait_for(lambda: statuses([use_case]) == {"current"}, 180, "the worker to embed")
    wait_for(lambda: IndexBuild.objects.exists(), 30, "the worker to build an index")
    first_version = IndexBuild.objects.latest("version").version

    ProblemStatement.objects.create(
        use_case=use_case,
        language="en",
        text="Forklifts nearly hit our warehouse staff every week.",
    )
    wait_for(
        lambda: IndexBuild.objects.filter(version__gt=first_version).exists(),
        120,
        "a new index version after the edit",
    )
    store.reset()
    result = match(
        MatchRequest("forklifts almost hit people in our warehouse", top_k=10, store=False)
    )
    # Ranked among the catalog's own safety use cases, with the new statement as its evidence.
    (found,) = [r for r in result.results if r.use_case.slug == use_case.slug]
    assert "Forklifts nearly hit" in " ".join(found.matched_on)


def test_a_worker_killed_mid_task_leaves_database_and_index_consistent(broker_queue):
    queue, log = broker_queue
    cluster = make_cluster()
    use_cases = [make_use_case(cluster, statements=4) for _ in range(12)]
    assert statuses(use_cases) == {"stale"}
    builds_before = IndexBuild.objects.count()

    first = Worker(queue, log)
    first.start()
    wait_for(lambda: "loading embedding model" in log.read_text(), 120, "the task to start")
    first.kill()

    # The refresh never committed: everything is still marked stale and nothing half-written.
    assert statuses(use_cases) == {"stale"}
    assert IndexBuild.objects.count() == builds_before

    second = Worker(queue, log)
    second.start()
    try:
        sweep_stale_embeddings.delay()  # what celery beat does every few minutes
        wait_for(lambda: statuses(use_cases) == {"current"}, 240, "the sweep to finish")
        wait_for(lambda: IndexBuild.objects.count() > builds_before, 30, "a new index")
    finally:
        second.stop()

    expected = sum(
        len(indexing.catalog_texts(u))
        for u in UseCase.objects.filter(pk__in=[u.pk for u in use_cases]).prefetch_related(
            "problem_statements"
        )
    )
    assert TextEmbedding.objects.filter(use_case__in=use_cases).count() == expected
    latest = IndexBuild.objects.latest("version")
    assert latest.vectors == TextEmbedding.objects.count()
    store.reset()
    snapshot = store.current()
    assert snapshot.size == latest.vectors
    served = [i for part in snapshot.parts.values() for i in part.rows.embedding_ids]
    assert len(served) == len(set(served)), "a vector is in the index twice"
    assert set(served) == set(TextEmbedding.objects.values_list("id", flat=True))
