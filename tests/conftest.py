"""Shared test set-up.

Tests marked `postgres`, `redis` or `browser` need a real service. Without it they are skipped
with the reason; with REQUIRE_SERVICES=1 (set by .ci/run) the same condition is a failure, so CI
can never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request, django_db_modify_db_settings_parallel_suffix, tmp_path_factory
) -> None:
    """With browser tests in the session, the SQLite test database is a file, not memory.

    The live server answers from its own thread; an in-memory database would have to share the
    test thread's connection with it, which Django only half supports (it warns that the
    connection is used from another thread). With a file each thread has its own connection,
    as with PostgreSQL. Other sessions keep the faster in-memory database.
    """
    from django.db import connections

    database = connections["default"].settings_dict
    browser_tests = any(item.get_closest_marker("browser") for item in request.session.items)
    if database["ENGINE"].endswith("sqlite3") and browser_tests:
        directory = tmp_path_factory.mktemp("database")
        database["TEST"]["NAME"] = str(directory / "test_browser.sqlite3")


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
def fast_password_hasher() -> None:
    """Hash test passwords with MD5: each real hash costs a third of a second, and the suite
    creates hundreds of accounts. Tests of hashing itself use `real_password_hasher`."""
    from django.test import override_settings

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast.enable()  # sends setting_changed, which empties Django's cache of hashers
    yield
    fast.disable()


@pytest.fixture
def real_password_hasher(settings) -> None:
    """The production password hashers, for tests whose point is what a hash costs."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


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


@pytest.fixture
def fake_encoder(monkeypatch, settings, tmp_path) -> Iterator[None]:
    """Encoders that hash words instead of loading a model (see tests/fake_encoder.py), for
    the catalog and for the off-topic examples, whose vectors then live in this test's own
    directory and memory (the real models' cached vectors are neither used nor overwritten)."""
    from matching import encoders, offtopic
    from tests.fake_encoder import load_fake_encoder

    monkeypatch.setattr(encoders, "load_encoder", load_fake_encoder)
    monkeypatch.setattr(offtopic, "load_encoder", load_fake_encoder)
    settings.VAR_DIR = tmp_path
    offtopic.example_vectors.cache_clear()
    yield
    offtopic.example_vectors.cache_clear()


# Two clusters of the real catalog with their first two use cases each: enough to rank, quick
# to load and to embed with the fake encoder.
TINY_CATALOG = {"predictive-maintenance": 2, "document-processing": 2}


@pytest.fixture
def tiny_catalog_dir(tmp_path) -> Path:
    """Catalog files holding TINY_CATALOG's use cases, as the real files have them."""
    import yaml

    from usecases.services import CATALOG_DIR

    directory = tmp_path / "catalog"
    directory.mkdir()
    for cluster, count in TINY_CATALOG.items():
        document = yaml.safe_load((CATALOG_DIR / f"{cluster}.yaml").read_text(encoding="utf-8"))
        document["use_cases"] = document["use_cases"][:count]
        (directory / f"{cluster}.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    return directory


@pytest.fixture
def tiny_catalog(db, fake_encoder, own_index_dir, tiny_catalog_dir) -> list[str]:
    """A few real use cases, embedded by the fake encoder and indexed, inside the test's
    transaction. Returns their slugs."""
    from matching import indexing
    from usecases.models import UseCase
    from usecases.services import load_catalog

    # The session's real catalog may be stored (committed) already: set it aside for this test,
    # which rolls back, so only the tiny catalog is ranked, with the fake encoder's vectors.
    UseCase.objects.all().delete()
    load_catalog(tiny_catalog_dir)  # the on-commit embedding never runs in a rolled-back test
    indexing.refresh_and_rebuild(indexing.use_cases_needing_embedding())
    return list(UseCase.objects.order_by("slug").values_list("slug", flat=True))


def database_vendor() -> str:
    return connection.vendor
