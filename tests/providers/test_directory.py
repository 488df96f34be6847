"""Only approved providers appear anywhere public: directory, profile pages, results, API."""

from __future__ import annotations

import pytest

from providers.models import Provider
from tests.factories import make_cluster, make_provider, make_use_case
from usecases.models import UseCase

pytestmark = pytest.mark.django_db

HIDDEN = [Provider.Approval.DRAFT, Provider.Approval.PENDING, Provider.Approval.REJECTED]


@pytest.fixture
def market():
    production = make_cluster(slug="test-maintenance", name_en="Test maintenance")
    office = make_cluster(slug="test-documents", name_en="Test documents")
    machine = make_use_case(cluster=production, slug="test-machine-alarms")
    invoices = make_use_case(cluster=office, slug="test-invoice-capture")
    german = make_provider(slug="sensorik", name="Sensorik GmbH", regions=["DE"], languages=["de"])
    german.use_cases.add(machine)
    european = make_provider(
        slug="paperless", name="Paperless EU", regions=["EU"], languages=["en", "de"]
    )
    european.clusters.add(office)
    for status in HIDDEN:
        hidden = make_provider(slug=f"hidden-{status}", name=f"Hidden {status}")
        hidden.approval_status = status
        hidden.save()
        hidden.use_cases.add(machine, invoices)
    return {"machine": machine, "invoices": invoices}


OURS = {"Sensorik GmbH", "Paperless EU"}


def names(response) -> set[str]:
    """The providers of this test's market on the page (the session's catalog has examples)."""
    shown = {provider.name for provider in response.context["providers"]}
    assert not {name for name in shown if name.startswith("Hidden")}
    return shown & OURS


def test_the_directory_lists_only_approved_providers(client, market):
    response = client.get("/providers/")

    assert names(response) == OURS
    assert "Hidden" not in response.content.decode()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"cluster": "test-maintenance"}, {"Sensorik GmbH"}),
        ({"cluster": "test-documents"}, {"Paperless EU"}),
        ({"region": "EU"}, {"Paperless EU"}),
        ({"language": "en"}, {"Paperless EU"}),
        ({"language": "de", "region": "DE"}, {"Sensorik GmbH"}),
        ({"cluster": "no-such-cluster"}, set()),
    ],
)
def test_the_directory_filters_by_cluster_region_and_language(client, market, filters, expected):
    assert names(client.get("/providers/", filters)) == expected


@pytest.mark.parametrize("status", HIDDEN)
def test_an_unapproved_provider_has_no_public_page_or_contact_form(client, market, status):
    assert client.get(f"/providers/hidden-{status}/").status_code == 404
    assert client.get(f"/providers/hidden-{status}/contact/").status_code == 404
    assert client.get(f"/api/v1/providers/hidden-{status}").status_code == 404


def test_use_case_pages_show_approved_providers_only(client, market):
    page = client.get("/use-cases/test-invoice-capture/").content.decode()

    assert "Paperless EU" in page
    assert "/providers/paperless/contact/?use_case=test-invoice-capture" in page
    assert "Hidden" not in page


def test_the_api_lists_approved_providers_with_filters(client, market):
    everyone = client.get("/api/v1/providers").json()
    in_region = client.get("/api/v1/providers", {"region": "eu"}).json()

    listed = {p["slug"] for p in everyone}
    assert {"sensorik", "paperless"} <= listed
    assert not {slug for slug in listed if slug.startswith("hidden")}
    assert "paperless" in {p["slug"] for p in in_region}
    assert "sensorik" not in {p["slug"] for p in in_region}
    sensorik = client.get("/api/v1/providers/sensorik").json()
    assert sensorik["use_cases"] == ["test-machine-alarms"]
    assert sensorik["regions"] == ["DE"]


def test_the_public_profile_lists_what_the_provider_delivers(client, market):
    page = client.get("/providers/paperless/").content.decode()

    assert "Test documents" in page
    assert "/providers/paperless/contact/" in page


@pytest.mark.model
def test_a_provider_withdrawn_after_a_query_disappears_from_its_stored_results(client, catalog):
    provider = make_provider(slug="belegblick", name="Belegblick GmbH")
    provider.use_cases.add(UseCase.objects.get(slug="supplier-invoice-capture-erp"))
    response = client.post(
        "/", {"text": "Our supplier invoices are typed by hand into the ERP.", "goal": "balanced"}
    )
    results = response["Location"]
    assert "Belegblick GmbH" in client.get(results).content.decode()

    provider.approval_status = Provider.Approval.PENDING
    provider.save()

    assert "Belegblick GmbH" not in client.get(results).content.decode()
    assert "Belegblick GmbH" not in client.get(f"{results}print/").content.decode()
    assert "Belegblick GmbH" not in client.get(f"{results}results.csv").content.decode()
