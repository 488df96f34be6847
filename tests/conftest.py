"""Shared test set-up.

Tests marked `postgres`, `redis` or `browser` need a real service. Without it they are skipped
with the reason; with REQUIRE_SERVICES=1 (set by .ci/run) the same condition is a failure, so CI
can never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") == "1"


def _missing_service(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and not os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if item.get_closest_marker("redis") and not os.environ.get("CELERY_BROKER_URL", "").startswith(
        "redis://"
    ):
        return "needs Redis: set CELERY_BROKER_URL=redis://..."
    if item.get_closest_marker("browser") and not shutil.which("chromium"):
        return "needs Chromium: apt-get install -y chromium"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing_service(item)
    if reason is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def isolated_index_dir() -> Path:
    """Index files of the test run live in a temporary directory, never in var/."""
    directory = Path(tempfile.mkdtemp(prefix="ucm-test-index-"))
    previous = settings.INDEX_DIR, settings.INDEX_VERSION_CHECK_SECONDS
    settings.INDEX_DIR = directory
    settings.INDEX_VERSION_CHECK_SECONDS = 0  # tests see a new index version at once
    yield directory
    settings.INDEX_DIR, settings.INDEX_VERSION_CHECK_SECONDS = previous
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def eager_celery() -> None:
    """Tasks run in the test process, even when CI names a broker; the Redis tests opt out."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture(autouse=True)
def fresh_index_store() -> None:
    """Each test starts with no index held. The test process swaps versions synchronously: its
    database transaction is invisible to a background thread's own connection. The web
    processes that tests start load in the background, as in production."""
    from matching.index import store
    from matching.services import published_catalog

    store.background = False
    store.reset()
    published_catalog.background = False


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """Each test starts with unused rate limits (their counters live in the cache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def own_index_dir(settings, tmp_path) -> Path:
    """For tests that build index versions inside a transaction that is rolled back: their files
    must not replace or prune the versions the session's catalog is served from."""
    settings.INDEX_DIR = tmp_path / "index"
    return settings.INDEX_DIR


def ensure_catalog() -> None:
    """Load, embed and index the real catalog unless the database already holds it.

    Transactional tests empty the database when they end, so later users reload it.
    """
    from matching.indexing import index_needs_rebuild, rebuild_index
    from usecases.models import UseCase
    from usecases.services import load_catalog

    if not UseCase.objects.filter(status=UseCase.Status.PUBLISHED).exists():
        load_catalog()  # eager Celery embeds and indexes on commit
    if index_needs_rebuild():
        rebuild_index()


@pytest.fixture(scope="session")
def catalog(django_db_setup, django_db_blocker) -> None:
    """The real catalog, embedded with the real models and indexed, once per test session.

    Tests that use it must not commit changes to it (use `db`, which rolls back).
    """
    with django_db_blocker.unblock():
        ensure_catalog()


def database_vendor() -> str:
    return connection.vendor
