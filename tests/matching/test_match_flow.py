"""The match flow end to end (form, API, stored query, results page) on a tiny catalog with the
fake encoder: fast, so it runs in `make test-fast`. Whether the answers are *good* is judged
with the real model in test_match_api.py and test_matching_quality.py."""

from __future__ import annotations

import html

import pytest

from matching.models import Submission

pytestmark = pytest.mark.django_db

MACHINES = "Our machines break down out of the blue and production stands still for hours"


def post(client, payload):
    return client.post("/api/v1/match", payload, content_type="application/json")


def test_the_api_ranks_only_the_indexed_use_cases_and_stores_the_query(client, tiny_catalog):
    body = post(client, {"text": MACHINES, "top_k": 4}).json()

    slugs = [result["use_case"]["slug"] for result in body["results"]]
    assert sorted(slugs) == sorted(tiny_catalog)
    assert all(0 <= result["relevance"] <= 1 for result in body["results"])
    assert [result["rank"] for result in body["results"]] == [1, 2, 3, 4]
    stored = Submission.objects.get(pk=body["query_id"])
    assert stored.text == MACHINES
    assert stored.language == "en"


def test_html_in_a_description_is_matched_as_text_and_shown_escaped(client, tiny_catalog):
    text = f'<script>alert("x")</script> {MACHINES}'

    response = client.post("/", {"text": text, "goal": "balanced"}, follow=True)

    page = response.content.decode()
    assert '<script>alert("x")</script>' not in page
    assert html.escape(text) in page
    assert Submission.objects.get().text == text


def test_a_description_the_company_keeps_to_itself_is_answered_and_not_stored(client, tiny_catalog):
    response = post(client, {"text": MACHINES, "store": False})

    assert response.status_code == 200
    assert response.json()["query_id"] is None
    assert response.json()["results"]
    assert not Submission.objects.exists()
