"""Characters the site cannot use - NUL, lone UTF-16 surrogates - are the client's error or
dropped, never a 500: PostgreSQL refuses NUL in text, and neither it nor the tokenizers take a
surrogate that is not half of a pair."""

from __future__ import annotations

import pytest
from django.test import Client

from matching.models import Submission
from matching.services import clean_problem_text
from tests.factories import make_provider

SURROGATE_TEXT = "our machines \ud800 break down every \udfff week"


def test_it_drops_lone_surrogates_from_a_description():
    assert clean_problem_text(SURROGATE_TEXT) == "our machines  break down every  week"


@pytest.mark.model
@pytest.mark.django_db
@pytest.mark.parametrize("store", [True, False], ids=["stored", "not-stored"])
def test_a_lone_surrogate_in_a_match_request_is_dropped_and_the_query_answered(catalog, store):
    client = Client(raise_request_exception=False)

    # The test client writes the JSON with "\ud800" escapes, as the fuzzer's requests did.
    response = client.post(
        "/api/v1/match", {"text": SURROGATE_TEXT, "store": store}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["results"]
    if store:
        stored = Submission.objects.get(pk=response.json()["query_id"])
        assert stored.text == "our machines  break down every  week"


@pytest.mark.django_db
def test_a_description_of_nothing_but_surrogates_gets_the_empty_description_message():
    response = Client().post(
        "/api/v1/match", {"text": "\udfff \ud800 \udfff"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "text", "message": "Please describe your business problem."}
    ]


PAGES_WITH_A_NUL = [
    "/providers/?cluster=%00",
    "/providers/?region=DE&language=d%00e",
    "/providers/datenwerk/contact/?use_case=%00",
    "/clusters/?%00=1",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES_WITH_A_NUL)
def test_a_nul_in_a_page_address_is_a_bad_request_in_the_users_language(path):
    make_provider(slug="datenwerk")
    client = Client(raise_request_exception=False)

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400
    assert "Diese Adresse enthält ein Zeichen, das wir nicht verarbeiten können" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_a_nul_in_an_admin_search_is_a_bad_request(admin_client):
    admin_client.raise_request_exception = False

    response = admin_client.get("/admin/usecases/usecase/", {"q": "pump\x00"})

    assert response.status_code == 400


@pytest.mark.django_db
def test_the_same_pages_answer_as_usual_without_the_nul(client):
    make_provider(slug="datenwerk")

    for path in PAGES_WITH_A_NUL:
        assert client.get(path.replace("%00", "")).status_code == 200, path
