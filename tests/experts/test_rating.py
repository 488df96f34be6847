"""An expert rates the use cases of their clusters: one assessment per use case, editable, each
change kept; bad input is a clear error and stores nothing."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from tests.factories import (
    PASSWORD,
    make_assessment,
    make_cluster,
    make_expert,
    make_member,
    make_use_case,
)
from usecases.models import AssessmentRevision, ExpertAssessment

pytestmark = pytest.mark.django_db

GOOD = {
    "revenue": "4",
    "company_value": "3",
    "cost_reduction": "5",
    "confidence": "3",
    "obstacle_1": "data_quality",
    "obstacle_2": "skilled_staff",
    "obstacle_3": "",
    "comment": "Works well where sensor data exists.",
}


@pytest.fixture
def cluster():
    return make_cluster(slug="production")


@pytest.fixture
def expert(client, cluster):
    expert = make_expert(cluster)
    client.post("/accounts/login/", {"login": expert.email, "password": PASSWORD})
    return expert


def rate(client, use_case, **changes: str):
    return client.post(f"/expert/use-cases/{use_case.pk}/", {**GOOD, **changes})


def test_an_expert_sees_the_use_cases_of_their_clusters_fewest_assessments_first(
    client, expert, cluster
):
    well_covered = make_use_case(cluster, slug="well-covered")
    for _ in range(2):
        make_assessment(well_covered)
    make_assessment(well_covered, editorial_estimate=True)  # estimates are not assessments
    uncovered = make_use_case(cluster, slug="uncovered")
    make_use_case(cluster, slug="a-draft", status="draft")
    make_use_case(make_cluster(), slug="other-cluster")

    items = client.get("/expert/").context["items"]

    assert [item.use_case.slug for item in items] == [uncovered.slug, well_covered.slug]
    assert [item.expert_assessments for item in items] == [0, 2]


def test_a_rating_is_stored_once_per_expert_and_use_case_and_each_change_is_kept(
    client, expert, cluster
):
    use_case = make_use_case(cluster)

    first = rate(client, use_case)
    second = rate(client, use_case, revenue="2", comment="On second thought, less revenue.")

    assert first["Location"] == second["Location"] == "/expert/"
    assessment = ExpertAssessment.objects.get(use_case=use_case)
    assert (assessment.expert, assessment.assessor) == (expert, expert.name)
    assert (assessment.revenue, assessment.company_value, assessment.cost_reduction) == (2, 3, 5)
    assert assessment.confidence == ExpertAssessment.Confidence.HIGH
    assert assessment.obstacles == ["data_quality", "skilled_staff"]
    assert assessment.editorial_estimate is False
    history = list(assessment.revisions.order_by("at", "id"))
    assert [r.kind for r in history] == [AssessmentRevision.Kind.RATED] * 2
    assert [r.values["revenue"] for r in history] == [4, 2]
    assert history[0].values["comment"] == "Works well where sensor data exists."
    assert history[0].user == expert.user


def test_saving_an_unchanged_rating_adds_no_revision(client, expert, cluster):
    use_case = make_use_case(cluster)
    rate(client, use_case)
    rate(client, use_case)

    assert AssessmentRevision.objects.filter(assessment__use_case=use_case).count() == 1


def test_the_form_shows_the_experts_earlier_rating_to_edit(client, expert, cluster):
    use_case = make_use_case(cluster)
    rate(client, use_case)

    form = client.get(f"/expert/use-cases/{use_case.pk}/").context["form"]

    assert form.initial["revenue"] == 4 and form.initial["obstacle_1"] == "data_quality"


def test_the_database_allows_one_assessment_per_expert_and_use_case(cluster):
    expert = make_expert(cluster)
    use_case = make_use_case(cluster)
    make_assessment(use_case, expert=expert, assessor=expert.name)
    with pytest.raises(IntegrityError):
        make_assessment(use_case, expert=expert, assessor=expert.name, revenue=1)


@pytest.mark.parametrize("score", ["0", "6", "-1", "three", ""])
def test_a_score_outside_one_to_five_is_a_field_error_and_stores_nothing(
    client, expert, cluster, score
):
    use_case = make_use_case(cluster)

    response = rate(client, use_case, cost_reduction=score)

    assert response.status_code == 400
    assert response.context["form"].errors["cost_reduction"] == [
        "Please rate this dimension from 1 to 5."
    ]
    assert not expert.assessments.exists()


def test_the_same_obstacle_twice_is_an_error_and_stores_nothing(client, expert, cluster):
    use_case = make_use_case(cluster)

    response = rate(client, use_case, obstacle_2="data_quality")

    assert response.status_code == 400
    assert "Please name each obstacle only once." in response.content.decode()
    assert not expert.assessments.exists()


def test_a_use_case_outside_the_experts_clusters_is_refused_and_nothing_stored(client, expert):
    elsewhere = make_use_case(make_cluster(name_en="Finance"))

    response = rate(client, elsewhere)

    assert response.status_code == 403
    page = response.content.decode()
    assert "which you were not invited to rate. Nothing was saved." in page
    assert "Finance" in page
    assert not expert.assessments.exists()


@pytest.mark.parametrize("pk", [999_999, 0])
def test_a_forged_use_case_id_is_not_found_and_nothing_stored(client, expert, pk):
    response = client.post(f"/expert/use-cases/{pk}/", GOOD)

    assert response.status_code == 404
    assert "There is no published use case with this number." in response.content.decode()
    assert not expert.assessments.exists()


def test_a_draft_use_case_cannot_be_rated(client, expert, cluster):
    draft = make_use_case(cluster, status="draft")

    assert rate(client, draft).status_code == 404
    assert not expert.assessments.exists()


def test_a_providers_staff_never_rate_use_cases_their_provider_offers(client, cluster):
    offered = make_use_case(cluster, slug="offered")
    via_cluster = make_use_case(make_cluster(slug="whole-cluster"), slug="via-cluster")
    free = make_use_case(cluster, slug="free")
    member = make_member()
    member.provider.use_cases.add(offered)
    member.provider.clusters.add(via_cluster.cluster)
    expert = make_expert(cluster, via_cluster.cluster, email=member.user.email, joined=False)
    expert.user = member.user
    expert.save()
    client.post("/accounts/login/", {"login": member.user.email, "password": PASSWORD})

    listed = [item.use_case.slug for item in client.get("/expert/").context["items"]]
    refused = [rate(client, offered), rate(client, via_cluster)]

    assert listed == ["free"]
    assert [r.status_code for r in refused] == [403, 403]
    assert "conflict of interest" in refused[0].content.decode()
    assert not expert.assessments.exists()
    assert rate(client, free).status_code == 302


def test_german_error_messages_address_the_expert_formally(client, expert, cluster):
    use_case = make_use_case(cluster)

    response = client.post(
        f"/expert/use-cases/{use_case.pk}/", {**GOOD, "revenue": "9"}, HTTP_ACCEPT_LANGUAGE="de"
    )

    assert "Bitte bewerten Sie diese Dimension mit 1 bis 5." in response.content.decode()
