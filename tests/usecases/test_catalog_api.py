from __future__ import annotations

import pytest

from tests.factories import make_assessment, make_cluster, make_provider, make_use_case
from usecases.models import UseCase
from usecases.services import CLUSTER_SLUGS, load_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_catalog():
    cluster = make_cluster(slug="test-documents", name_en="Documents", name_de="Dokumente")
    other = make_cluster(slug="test-search")
    invoices = make_use_case(
        cluster, slug="invoice-capture", title_en="Invoice capture", title_de="Rechnungserfassung"
    )
    make_assessment(invoices, editorial_estimate=True, revenue=2, company_value=3, cost_reduction=5)
    make_use_case(other, slug="search")
    make_use_case(cluster, slug="draft-one", status=UseCase.Status.DRAFT)
    make_use_case(cluster, slug="retired-one", status=UseCase.Status.RETIRED)
    return invoices


def test_clusters_are_listed_in_english_by_default_with_published_counts(client, small_catalog):
    response = client.get("/api/v1/clusters")

    assert response.status_code == 200
    documents = next(c for c in response.json() if c["slug"] == "test-documents")
    assert documents == {
        "slug": "test-documents",
        "name": "Documents",
        "description": "A test cluster.",
        "use_case_count": 1,
    }


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/api/v1/clusters?lang=de", {}),
        ("/api/v1/clusters", {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}),
    ],
)
def test_clusters_speak_german_when_asked(client, small_catalog, url, headers):
    names = {c["slug"]: c["name"] for c in client.get(url, **headers).json()}
    assert names["test-documents"] == "Dokumente"


def test_use_cases_list_only_published_ones_with_value_potential(client, small_catalog):
    response = client.get("/api/v1/use-cases")

    assert response.status_code == 200
    slugs = {u["slug"] for u in response.json()}
    assert {"invoice-capture", "search"} <= slugs
    assert not {"draft-one", "retired-one"} & slugs
    invoices = next(u for u in response.json() if u["slug"] == "invoice-capture")
    assert invoices["cluster"] == "test-documents"
    assert invoices["value_potential"] == {
        "revenue": 2.0,
        "company_value": 3.0,
        "cost_reduction": 5.0,
        "overall": 3.33,
        "assessments": 1,
        "editorial_estimate": True,
        "source": "editorial",
        "spread": None,
        "expert_assessments": 0,
    }


def test_use_cases_filter_by_cluster(client, small_catalog):
    response = client.get("/api/v1/use-cases?cluster=test-search")
    assert [u["slug"] for u in response.json()] == ["search"]


def test_a_use_case_detail_is_complete_and_shows_only_approved_providers(client, small_catalog):
    make_provider(slug="approved-one").use_cases.add(small_catalog)
    make_provider(slug="pending-one", approval_status="pending").use_cases.add(small_catalog)
    make_provider(slug="cluster-wide").clusters.add(small_catalog.cluster)

    response = client.get("/api/v1/use-cases/invoice-capture?lang=de")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Rechnungserfassung"
    assert body["cluster"]["slug"] == "test-documents"
    assert len(body["problem_statements"]) == 3
    assert all(s.startswith("Problem") and " von " in s for s in body["problem_statements"])
    assert {p["slug"] for p in body["providers"]} == {"approved-one", "cluster-wide"}


@pytest.mark.parametrize("slug", ["does-not-exist", "draft-one", "retired-one"])
def test_unknown_or_unpublished_use_cases_answer_404(client, small_catalog, slug):
    response = client.get(f"/api/v1/use-cases/{slug}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_openapi_schema_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/clusters",
        "/api/v1/use-cases",
        "/api/v1/use-cases/{slug}",
        "/api/v1/match",
    } <= set(schema["paths"])


def test_the_real_catalog_serves_the_nineteen_clusters_and_95_use_cases(client):
    load_catalog()  # rows only: the on-commit embedding never runs in a rolled-back test
    clusters = client.get("/api/v1/clusters").json()
    use_cases = client.get("/api/v1/use-cases").json()

    assert sorted(c["slug"] for c in clusters) == sorted(CLUSTER_SLUGS)
    assert len(use_cases) >= 95
    for use_case in use_cases:
        potential = use_case["value_potential"]
        assert set(potential) == {
            "revenue",
            "company_value",
            "cost_reduction",
            "overall",
            "assessments",
            "editorial_estimate",
            "source",
            "spread",
            "expert_assessments",
        }
        assert potential["assessments"] >= 1 and potential["editorial_estimate"] is True
        assert potential["source"] == "editorial"  # no seed figure is presented as an expert's


def test_the_api_docs_load_nothing_from_a_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page and "https://" not in page.split("<body", 1)[1].split("</body>")[0]
