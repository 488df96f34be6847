"""Assessments by named experts replace the editorial estimates on pages and in the API once
there are three, which say how many stand behind the figures; the admin shows how far the
experts disagree."""

from __future__ import annotations

import pytest

from tests.factories import make_assessment, make_estimated_use_case

pytestmark = pytest.mark.django_db

DASH = "\u2013"  # between the lowest and highest score


@pytest.fixture
def estimated():
    return make_estimated_use_case("estimated-use-case")


def api_potential(client, slug: str) -> dict:
    return client.get(f"/api/v1/use-cases/{slug}").json()["value_potential"]


def test_editorial_estimates_are_labelled_as_such_until_an_expert_assesses(client, estimated):
    potential = api_potential(client, estimated.slug)
    assert potential["editorial_estimate"] is True
    assert potential["assessments"] == 1
    page = client.get(f"/use-cases/{estimated.slug}/").content.decode()
    assert "Mean of 1 editorial estimate on a scale" in page
    assert "Initial estimate by the catalog editors" in page


def test_three_expert_assessments_replace_the_estimate_and_the_count_is_shown(client, estimated):
    make_assessment(
        estimated, assessor="Dr. Jana Weber", revenue=4, company_value=5, cost_reduction=3
    )
    make_assessment(
        estimated, assessor="Prof. Ali Demir", revenue=2, company_value=5, cost_reduction=5
    )
    make_assessment(
        estimated, assessor="Dr. Eva Braun", revenue=3, company_value=5, cost_reduction=4
    )

    potential = api_potential(client, estimated.slug)
    assert potential["editorial_estimate"] is False
    assert potential["source"] == "experts"
    assert potential["assessments"] == 3
    assert (potential["revenue"], potential["company_value"], potential["cost_reduction"]) == (
        3.0,
        5.0,
        4.0,
    )
    assert potential["spread"] == {
        "revenue": [2, 4],
        "company_value": [5, 5],
        "cost_reduction": [3, 5],
    }
    listed = client.get("/api/v1/use-cases").json()
    assert [u["value_potential"]["assessments"] for u in listed if u["slug"] == estimated.slug] == [
        3
    ]
    page = client.get(f"/use-cases/{estimated.slug}/").content.decode()
    assert "Mean of 3 expert assessments on a scale" in page
    assert "Source: expert panel" in page
    assert (
        f"Spread of the expert scores (lowest{DASH}highest): "
        f"Revenue 2{DASH}4 · Company value 5{DASH}5" in page
    )
    assert "Initial estimate by the catalog editors" not in page
    german = client.get(f"/use-cases/{estimated.slug}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Mittelwert aus 3 Expertenbewertungen" in german
    assert "Quelle: Expertenpanel" in german
    assert f"Streuung der Expertenwerte (niedrigster{DASH}höchster Wert): Umsatz 2{DASH}4" in german


def test_below_three_the_page_keeps_the_estimate_and_says_how_many_experts_rated(client, estimated):
    make_assessment(estimated, assessor="Dr. Jana Weber", revenue=5, company_value=5)
    make_assessment(estimated, assessor="Prof. Ali Demir", revenue=5, company_value=5)

    potential = api_potential(client, estimated.slug)
    assert (potential["source"], potential["assessments"]) == ("editorial", 1)
    assert (potential["expert_assessments"], potential["spread"]) == (2, None)
    assert potential["revenue"] == 2.0
    page = client.get(f"/use-cases/{estimated.slug}/").content.decode()
    assert "Source: editorial estimate" in page
    assert "Mean of 1 editorial estimate on a scale" in page
    assert "2 expert ratings so far; expert figures are shown from 3 ratings on." in page
    german = client.get(f"/use-cases/{estimated.slug}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Quelle: redaktionelle Schätzung" in german
    assert "Bisher 2 Expertenbewertungen; Expertenwerte werden ab 3 Bewertungen gezeigt." in german


def test_the_admin_shows_the_spread_of_the_expert_scores(admin_client, estimated):
    make_assessment(
        estimated, assessor="Dr. Jana Weber", revenue=1, company_value=4, cost_reduction=3
    )
    make_assessment(
        estimated, assessor="Prof. Ali Demir", revenue=5, company_value=4, cost_reduction=4
    )

    page = admin_client.get(f"/admin/usecases/usecase/{estimated.pk}/change/").content.decode()

    assert '<span class="spread-wide">Revenue 1 to 5</span>' in page
    assert '<span class="spread">Company value 4 to 4</span>' in page
    assert '<span class="spread">Cost reduction 3 to 4</span>' in page
    listing = admin_client.get("/admin/usecases/usecase/", {"q": estimated.slug}).content.decode()
    assert '<strong class="spread-wide">4</strong>' in listing


def test_the_admin_spread_ignores_editorial_estimates_once_experts_have_assessed(estimated):
    make_assessment(
        estimated, assessor="Dr. Jana Weber", revenue=4, company_value=4, cost_reduction=4
    )

    assert estimated.assessment_spread() == {
        "revenue": [4, 4],
        "company_value": [4, 4],
        "cost_reduction": [4, 4],
    }
