"""What the site does when a part fails: Redis, the index files, the database."""

from __future__ import annotations

import shutil
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test import Client

from config.celery import app
from matching import indexing
from matching.index import store, version_directory
from matching.models import IndexBuild, Submission
from matching.tasks import sweep_stale_embeddings
from tests.factories import make_use_case
from tests.matching.test_celery_redis import Worker, statuses, wait_for
from usecases.models import UseCase

PROBLEM = "We type every supplier invoice into our ERP system by hand."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def match(client: Client, text: str = PROBLEM):
    return client.post(
        "/api/v1/match", {"text": text, "store": False}, content_type="application/json"
    )


def use_broker(url: str | None) -> None:
    """Point this process's task publishing at `url` (None: back to the configured broker)."""
    app.conf.broker_write_url = url
    app._pool = None  # the pools hold connections to the previous broker
    app.amqp._producer_pool = None


@pytest.fixture
def redis_that_is_down(settings, tmp_path) -> Iterator[tuple[str, str, Callable[[], None]]]:
    """A Redis address where nothing listens yet, used as broker and cache alike.

    Yields its URL, the test's own queue name and a function that starts a throwaway
    redis-server on that very port; that server is stopped here (never the machine's Redis).
    """
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    use_broker(url)
    servers: list[subprocess.Popen] = []

    def start_redis() -> None:
        servers.append(
            subprocess.Popen(
                ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
                cwd=tmp_path,
            )
        )
        wait_for(lambda: _answers(port), 10, "the test's own redis-server")

    yield url, queue, start_redis
    use_broker(None)
    app.conf.task_always_eager = True
    app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.redis
@pytest.mark.postgres  # the worker is another process and must see the same database
@pytest.mark.model
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_site_works_edits_stay_stale_and_the_sweeper_catches_up(
    redis_that_is_down, own_index_dir, tmp_path
):
    url, queue, start_redis = redis_that_is_down
    app.conf.task_always_eager = True  # first an index, built here, while everything is up
    use_case = make_use_case(title_en="Quokka feeding planner for zoos")
    assert statuses([use_case]) == {"current"}
    app.conf.task_always_eager = False
    builds_before = IndexBuild.objects.count()
    client = Client()

    # Redis is down: the edit is saved and marked stale, nothing was queued.
    use_case.title_en = "Narwhal tusk polishing robot"
    use_case.save()
    assert UseCase.objects.get(pk=use_case.pk).title_en == "Narwhal tusk polishing robot"
    assert statuses([use_case]) == {"stale"}
    # Matching (rate limits cannot count) and pages keep working.
    response = match(client, "we plan feeding times for the quokkas in our zoo")
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["use_case"]["slug"] == use_case.slug
    assert client.get("/").status_code == 200
    assert client.get(f"/use-cases/{use_case.slug}/").status_code == 200

    # Redis is back: beat's sweep re-queues the stale use case and a worker catches up.
    start_redis()
    worker = Worker(queue, tmp_path / "worker.log", broker_url=url)
    worker.start()
    try:
        use_broker(url)  # drop the connections that failed while Redis was down
        sweep_stale_embeddings.delay()
        wait_for(lambda: statuses([use_case]) == {"current"}, 180, "the sweep to re-embed")
        wait_for(lambda: IndexBuild.objects.count() > builds_before, 60, "a new index version")
    finally:
        worker.stop()
    store.reset()
    response = match(client, "a robot that polishes narwhal tusks")
    assert response.json()["results"][0]["use_case"]["slug"] == use_case.slug


@pytest.mark.model
@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_damaged_index_files_are_ignored_and_matching_answers_from_the_stored_vectors(
    client, catalog, own_index_dir, damage
):
    build = indexing.rebuild_index()  # from the catalog's stored vectors, in this test's directory
    directory = version_directory(build.version)
    if damage == "corrupt":
        for path in directory.glob("*.faiss"):
            path.write_bytes(b"\x00not a faiss index" * 100)
    else:
        shutil.rmtree(directory)
    store.reset()

    response = match(client)

    assert response.status_code == 200
    assert response.json()["results"][0]["use_case"]["cluster"]["slug"] == "document-processing"
    assert IndexBuild.objects.latest("version").version == build.version  # nothing to repair


@pytest.mark.model
@pytest.mark.django_db
def test_the_start_page_answers_a_clear_503_while_no_index_is_built(client, catalog, own_index_dir):
    IndexBuild.objects.all().delete()
    store.reset()

    response = client.post("/", {"text": PROBLEM, "goal": "balanced"}, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 503
    assert "Die Suche wird gerade vorbereitet" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_outage_answers_503_in_the_users_language_and_recovers_without_restart():
    client = Client(raise_request_exception=False)
    assert client.get("/clusters/").status_code == 200
    database = connection.settings_dict
    port = database["PORT"]
    connection.close()
    database["PORT"] = str(free_port())  # nothing listens there: every connection is refused
    try:
        page = client.get("/clusters/", HTTP_ACCEPT_LANGUAGE="de")
        api = client.get("/api/v1/clusters", HTTP_ACCEPT_LANGUAGE="en")
        health = client.get("/healthz")
    finally:
        connection.close()
        database["PORT"] = port

    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "Kurz nicht erreichbar" in page.content.decode()
    assert "Traceback" not in page.content.decode()
    assert api.status_code == 503
    assert api.json()["detail"] == (
        "The service is briefly unavailable. Please try again in a minute."
    )
    assert health.status_code == 503
    # The database is back: the same process answers again.
    assert client.get("/clusters/").status_code == 200
    assert client.get("/api/v1/clusters").status_code == 200


@pytest.mark.postgres  # SQLite takes NUL in text and simply finds nothing
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/use-cases?cluster=a%00b", "/api/v1/use-cases/a%00b"])
def test_a_nul_character_in_an_api_filter_is_a_client_error_not_an_outage(path):
    """PostgreSQL refuses NUL in text; that is bad input (422), not a 500 or a 503."""
    response = Client(raise_request_exception=False).get(path)

    assert response.status_code == 422
    assert response.json()["detail"] == "Invalid input."


@pytest.mark.model
@pytest.mark.django_db
def test_a_nul_character_in_a_description_is_dropped_and_the_query_stored(client, catalog):
    response = match_and_store(client, "We type every supplier\x00 invoice into our ERP by hand.")

    assert response.status_code == 200
    stored = Submission.objects.get(pk=response.json()["query_id"])
    assert stored.text == "We type every supplier invoice into our ERP by hand."


def match_and_store(client: Client, text: str):
    return client.post("/api/v1/match", {"text": text}, content_type="application/json")
