"""The readiness check in the API: its questions, answers in POST /api/v1/match, bad input."""

from __future__ import annotations

import pytest

from matching.models import Submission
from matching.readiness import QUESTIONS

pytestmark = [pytest.mark.django_db, pytest.mark.model]

PROBLEM = "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht still"


def post(client, payload):
    return client.post("/api/v1/match", payload, content_type="application/json")


@pytest.mark.parametrize(
    ("lang", "first_text"),
    [("en", "Is the data this problem needs recorded today?"), ("de", "Werden die Daten")],
)
def test_the_questions_come_in_the_asked_language(client, lang, first_text):
    response = client.get(f"/api/v1/readiness/questions?lang={lang}")

    assert response.status_code == 200
    questions = response.json()
    assert 6 <= len(questions) <= 8
    assert [q["key"] for q in questions] == [q.key for q in QUESTIONS]
    assert questions[0]["text"].startswith(first_text)
    for question in questions:
        assert len(question["options"]) >= 3
        assert all(o["value"] and o["label"] for o in question["options"])


def test_an_unknown_language_for_the_questions_is_refused(client):
    assert client.get("/api/v1/readiness/questions?lang=fr").status_code == 422


def test_answers_give_every_result_its_feasibility_for_this_company(client, catalog):
    body = post(
        client, {"text": PROBLEM, "store": False, "readiness": {"data": "none", "skills": "nobody"}}
    ).json()

    results = body["results"]
    assert results
    for result in results:
        feasibility = result["feasibility"]
        assert 1 <= feasibility["score"] <= 5
        assert feasibility["estimated"] is False
        assert feasibility["blockers"][0]["key"] == "data_availability"
        assert feasibility["blockers"][0]["label"] == "Datenverfügbarkeit"
        assert all(b["first_step"] for b in feasibility["blockers"])


def test_without_answers_feasibility_is_a_labelled_estimate(client, catalog):
    results = post(client, {"text": PROBLEM, "store": False}).json()["results"]

    assert all(r["feasibility"]["estimated"] is True for r in results)


def test_better_answers_never_give_a_lower_score(client, catalog):
    def scores(readiness):
        body = post(client, {"text": PROBLEM, "store": False, "readiness": readiness}).json()
        return {r["use_case"]["slug"]: r["feasibility"]["score"] for r in body["results"]}

    weak = scores({q.key: q.options[0].value for q in QUESTIONS})
    strong = scores({q.key: q.options[-1].value for q in QUESTIONS})
    assert all(strong[slug] >= weak[slug] for slug in weak)
    assert any(strong[slug] > weak[slug] for slug in weak)


def test_the_answers_are_stored_with_a_stored_query(client, catalog):
    body = post(client, {"text": PROBLEM, "readiness": {"budget": "10k_50k"}}).json()

    submission = Submission.objects.get(pk=body["query_id"])
    assert submission.readiness == {"budget": "10k_50k"}
    assert submission.results[0]["feasibility"]["estimated"] is False


def test_nothing_is_stored_when_the_company_chose_not_to_store(client, catalog):
    before = Submission.objects.count()
    post(client, {"text": PROBLEM, "store": False, "readiness": {"data": "good"}})
    assert Submission.objects.count() == before


@pytest.mark.parametrize(
    ("readiness", "field"),
    [
        ({"colour": "red"}, "readiness.colour"),
        ({"data": "plenty"}, "readiness.data"),
        ({"budget": 5}, "readiness.budget"),
    ],
)
def test_unknown_keys_or_values_answer_422_naming_the_field(client, readiness, field):
    response = post(client, {"text": PROBLEM, "readiness": readiness})

    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Submission.objects.exists()


def test_the_openapi_schema_documents_the_readiness_check(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/readiness/questions" in schema["paths"]
    readiness = schema["components"]["schemas"]["ReadinessIn"]
    assert set(readiness["properties"]) == {q.key for q in QUESTIONS}
    assert readiness.get("additionalProperties") is False
