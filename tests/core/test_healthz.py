from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_it_says_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_it_reports_the_index_version_and_the_use_cases_waiting_for_re_embedding(client):
    from matching.models import IndexBuild
    from tests.factories import make_use_case
    from usecases.models import UseCase

    stale_before = client.get("/healthz").json()["stale_use_cases"]
    newest = (IndexBuild.objects.values_list("version", flat=True).first() or 0) + 100
    IndexBuild.objects.create(
        version=newest,
        model_name="m",
        index_type="Flat",
        vectors=1,
        use_cases=1,
        dimensions=3,
        duration_ms=1,
    )
    use_case = make_use_case()
    UseCase.objects.filter(pk=use_case.pk).update(embedding_status=UseCase.EmbeddingStatus.STALE)

    body = client.get("/healthz").json()

    assert body["index_version"] == newest
    assert body["stale_use_cases"] == stale_before + 1


def test_it_answers_503_when_the_database_does_not(client):
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error"
