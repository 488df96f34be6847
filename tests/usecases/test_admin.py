from __future__ import annotations

import pytest

from tests.factories import make_assessment, make_provider, make_submission, make_use_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def use_case():
    use_case = make_use_case()
    make_assessment(use_case, editorial_estimate=True, revenue=2, company_value=4, cost_reduction=5)
    make_provider().use_cases.add(use_case)
    return use_case


@pytest.mark.parametrize("model", ["cluster", "usecase", "expertassessment", "problemstatement"])
def test_every_catalog_model_has_a_searchable_admin_list(admin_client, use_case, model):
    response = admin_client.get(f"/admin/usecases/{model}/?q=use")
    assert response.status_code == 200


def test_the_use_case_page_shows_value_potential_and_inline_assessments(admin_client, use_case):
    page = admin_client.get(f"/admin/usecases/usecase/{use_case.pk}/change/").content.decode()

    assert "Revenue 2.0 · company value 4.0 · cost reduction 5.0 · overall 3.7" in page
    assert "(1 editorial estimate)" in page
    assert "assessments-TOTAL_FORMS" in page
    assert "problem_statements-TOTAL_FORMS" in page
    assert "title_de" in page and "title_en" in page


def test_the_use_case_list_can_be_filtered_by_status_and_cluster(admin_client, use_case):
    response = admin_client.get(
        f"/admin/usecases/usecase/?status__exact=published&cluster__id__exact={use_case.cluster_id}"
    )
    assert use_case.title_en in response.content.decode()


@pytest.mark.parametrize("model", ["submission", "resultfeedback", "indexbuild"])
def test_matching_records_are_readable_in_the_admin(admin_client, model):
    assert admin_client.get(f"/admin/matching/{model}/").status_code == 200


def test_low_confidence_queries_can_be_listed_as_catalog_gaps(admin_client):
    make_submission(text="How do I bake a cake?", low_confidence=True)
    page = admin_client.get("/admin/matching/submission/?low_confidence__exact=1").content.decode()
    assert "How do I bake a cake?" in page
