"""POST /api/v1/match against the real catalog, encoded by the real models."""

from __future__ import annotations

import pytest

from matching.models import Submission

pytestmark = [pytest.mark.django_db, pytest.mark.model]


def post(client, payload, **headers):
    return client.post("/api/v1/match", payload, content_type="application/json", **headers)


def test_a_german_description_gets_predictive_maintenance_first_in_german(client, catalog):
    response = post(client, {"text": "Unsere Maschinen fallen ohne Vorwarnung aus"})

    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "de"
    assert body["low_confidence"] is False
    first = body["results"][0]
    assert first["rank"] == 1
    assert first["use_case"]["cluster"]["slug"] == "predictive-maintenance"
    assert first["use_case"]["cluster"]["name"] == "Vorausschauende Instandhaltung"
    assert 0 < first["relevance"] <= 1
    assert set(first["value_potential"]) >= {
        "revenue",
        "company_value",
        "cost_reduction",
        "overall",
        "assessments",
    }
    assert first["value_potential"]["editorial_estimate"] is True
    assert first["matched_on"] and all(isinstance(t, str) for t in first["matched_on"])
    assert any(
        w in first["matched_on"][0].lower() for w in ("ausfall", "fallen", "stillstand", "warnung")
    )


def test_an_english_description_gets_english_results_with_providers(client, catalog):
    response = post(
        client, {"text": "We type every supplier invoice into our ERP by hand", "top_k": 3}
    )

    body = response.json()
    assert body["language"] == "en"
    assert len(body["results"]) == 3
    first = body["results"][0]
    assert first["use_case"]["cluster"]["slug"] == "document-processing"
    assert first["use_case"]["title"].isascii()
    assert {p["slug"] for p in first["providers"]} == {"example-belegfluss"}
    assert all(
        p["slug"] != "example-pending-newcomer" for r in body["results"] for p in r["providers"]
    )


def test_an_exact_term_like_ocr_finds_document_processing(client, catalog):
    body = post(client, {"text": "We need OCR for handwritten forms"}).json()

    assert body["results"][0]["use_case"]["cluster"]["slug"] == "document-processing"


def test_the_results_follow_the_stated_goal(client, catalog):
    """With the value weighing fully, the use cases whose value counts (the pool, score > 0) are
    ordered by the value of the company's goal: a goal scored by another dimension fails."""
    text = "Our customers keep asking the same questions and our staff cannot keep up"
    orders = {}
    for goal in ("revenue", "cost_reduction"):
        results = post(
            client, {"text": text, "goal": goal, "value_weight": 1.0, "top_k": 5}
        ).json()["results"]
        pooled = [r for r in results if r["score"] > 0]
        values = [r["value_potential"][goal] for r in pooled]
        assert len(pooled) >= 2, results
        assert values == sorted(values, reverse=True), (goal, values)
        assert pooled[0]["score"] == pytest.approx((values[0] - 1) / 4, abs=0.01)
        orders[goal] = [r["use_case"]["slug"] for r in results]

    # The two dimensions disagree on these use cases, so swapping the goals would be seen.
    assert orders["revenue"] != orders["cost_reduction"]


@pytest.mark.parametrize(
    "text",
    [
        "asdkjh qwe zzzxq blorp vrrt",
        "Which cake recipe is best for my grandma's birthday party",
        "Welches Kuchenrezept passt zum Geburtstag meiner Oma",
    ],
)
def test_off_topic_text_is_flagged_low_confidence_but_still_answered(client, catalog, text):
    body = post(client, {"text": text}).json()

    assert body["low_confidence"] is True
    assert len(body["results"]) == 5


def test_a_stored_query_keeps_text_language_and_results(client, catalog):
    body = post(client, {"text": "Unsere Lieferscheine werden von Hand abgetippt"}).json()

    submission = Submission.objects.get(pk=body["query_id"])
    assert submission.text == "Unsere Lieferscheine werden von Hand abgetippt"
    assert submission.language == "de"
    assert submission.results == body["results"]
    assert submission.index_version >= 1
    assert "e5" in submission.model_name


def test_store_false_keeps_nothing(client, catalog):
    before = Submission.objects.count()

    body = post(client, {"text": "Our trucks drive half empty", "store": False}).json()

    assert body["query_id"] is None
    assert Submission.objects.count() == before


def test_an_explicit_language_wins_over_detection(client, catalog):
    body = post(client, {"text": "Predictive Maintenance für unsere Pumpen", "lang": "en"}).json()
    assert body["language"] == "en"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n\t  "}, "text"),
        ({"text": "word " * 1001}, "text"),
        ({"text": 42}, "text"),
        ({"text": ["a", "b", "c"]}, "text"),
        ({}, "text"),
        ({"text": "our machines break down", "top_k": 0}, "top_k"),
        ({"text": "our machines break down", "top_k": 51}, "top_k"),
        ({"text": "our machines break down", "top_k": "5"}, "top_k"),
        ({"text": "our machines break down", "goal": "world_peace"}, "goal"),
        ({"text": "our machines break down", "lang": "fr"}, "lang"),
        ({"text": "our machines break down", "value_weight": 1.5}, "value_weight"),
        ({"text": "our machines break down", "store": "no"}, "store"),
    ],
    ids=[
        "empty",
        "whitespace",
        "too-long",
        "number",
        "list",
        "missing",
        "top-k-zero",
        "top-k-51",
        "top-k-string",
        "goal",
        "lang",
        "weight",
        "store",
    ],
)
def test_bad_input_is_rejected_naming_the_field_and_stores_nothing(client, payload, field):
    before = Submission.objects.count()

    response = post(client, payload)

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert Submission.objects.count() == before


def test_validation_messages_speak_the_users_language(client):
    german = post(client, {"text": "  "}, HTTP_ACCEPT_LANGUAGE="de").json()
    english = post(client, {"text": "  "}).json()

    assert english["errors"][0]["message"] == "Please describe your business problem."
    assert german["errors"][0]["message"] == "Bitte beschreiben Sie Ihr geschäftliches Problem."


def test_malformed_json_is_a_client_error(client):
    response = client.post("/api/v1/match", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)


def test_html_in_the_description_is_treated_as_plain_text(client, catalog):
    words = "Our machines break down without warning"
    text = f"<script>alert(1)</script> {words}"

    response = post(client, {"text": text})
    plain = post(client, {"text": words, "store": False}).json()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    # Matched on the words: the markup changes nothing at the top.
    assert body["results"][0]["use_case"]["slug"] == plain["results"][0]["use_case"]["slug"]
    assert body["results"][0]["use_case"]["cluster"]["slug"] == "predictive-maintenance"
    assert Submission.objects.get(pk=body["query_id"]).text == text  # stored verbatim
    page = client.get(f"/results/{body['query_id']}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
