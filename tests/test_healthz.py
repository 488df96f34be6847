from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_it_says_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "index_version": None,
        "stale_use_cases": 0,
    }


def test_it_reports_the_index_version_and_the_use_cases_waiting_for_re_embedding(client):
    from matching.models import IndexBuild
    from tests.factories import make_use_case
    from usecases.models import UseCase

    IndexBuild.objects.create(
        version=7,
        model_name="m",
        index_type="Flat",
        vectors=1,
        use_cases=1,
        dimensions=3,
        duration_ms=1,
    )
    make_use_case()
    UseCase.objects.update(embedding_status=UseCase.EmbeddingStatus.STALE)

    body = client.get("/healthz").json()

    assert body["index_version"] == 7
    assert body["stale_use_cases"] == 1


def test_it_answers_503_when_the_database_does_not(client):
    with mock.patch("config.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error"
