"""Editors review new expert assessments and can exclude one with a reason; the public figures
switch from the editorial estimate to the experts' mean at three included assessments."""

from __future__ import annotations

import pytest

from tests.factories import (
    PASSWORD,
    make_assessment,
    make_cluster,
    make_estimated_use_case,
    make_expert,
    make_member,
    make_use_case,
)
from usecases.models import AssessmentRevision, ExpertAssessment

pytestmark = pytest.mark.django_db

ACTION_URL = "/admin/usecases/expertassessment/"


@pytest.fixture
def use_case():
    return make_estimated_use_case("predictive-maintenance")


def rate_as(client, expert, use_case, score: int, obstacles: list[str] = ()) -> None:
    client.post("/accounts/login/", {"login": expert.email, "password": PASSWORD})
    names = ("obstacle_1", "obstacle_2", "obstacle_3")
    response = client.post(
        f"/expert/use-cases/{use_case.pk}/",
        {
            "revenue": score,
            "company_value": score,
            "cost_reduction": score,
            "confidence": 2,
            **dict(zip(names, obstacles, strict=False)),
        },
    )
    assert response.status_code == 302
    client.logout()


def potential(client, use_case) -> dict:
    return client.get(f"/api/v1/use-cases/{use_case.slug}").json()["value_potential"]


def test_the_source_switches_to_experts_with_the_third_rating(client, use_case):
    experts = [make_expert(use_case.cluster) for _ in range(3)]

    rate_as(client, experts[0], use_case, 4)
    rate_as(client, experts[1], use_case, 5)
    before = potential(client, use_case)
    rate_as(client, experts[2], use_case, 3)
    after = potential(client, use_case)

    assert (before["source"], before["revenue"], before["expert_assessments"]) == (
        "editorial",
        2.0,
        2,
    )
    assert (after["source"], after["revenue"], after["assessments"]) == ("experts", 4.0, 3)
    assert after["spread"]["revenue"] == [3, 5]
    assert after["editorial_estimate"] is False


def test_an_editor_excludes_an_assessment_with_a_reason_and_the_estimate_returns(
    admin_client, client, admin_user, use_case
):
    for score in (4, 4, 1):
        make_assessment(use_case, expert=make_expert(use_case.cluster), revenue=score)
    outlier = ExpertAssessment.objects.get(use_case=use_case, revenue=1)
    assert potential(client, use_case)["source"] == "experts"

    asked = admin_client.post(
        ACTION_URL, {"action": "exclude_with_reason", "_selected_action": [outlier.pk]}
    )
    done = admin_client.post(
        ACTION_URL,
        {
            "action": "exclude_with_reason",
            "_selected_action": [outlier.pk],
            "reason": "An outlier: rated the wrong use case, said so by phone.",
        },
    )

    assert "Reason for the exclusion" in asked.content.decode()
    assert done.status_code == 302
    outlier.refresh_from_db()
    assert outlier.excluded and outlier.excluded_by == admin_user
    assert outlier.exclusion_reason == "An outlier: rated the wrong use case, said so by phone."
    [revision] = outlier.revisions.all()
    assert revision.kind == AssessmentRevision.Kind.EXCLUDED
    assert revision.values == {"reason": outlier.exclusion_reason}
    after = potential(client, use_case)
    assert (after["source"], after["expert_assessments"]) == ("editorial", 2)
    detail = client.get(f"/api/v1/use-cases/{use_case.slug}").json()
    assert 1 not in [a["revenue"] for a in detail["assessments"]]


def test_an_exclusion_without_a_reason_changes_nothing(admin_client, use_case):
    assessment = make_assessment(use_case, expert=make_expert(use_case.cluster))

    response = admin_client.post(
        ACTION_URL,
        {"action": "exclude_with_reason", "_selected_action": [assessment.pk], "reason": "  "},
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assessment.refresh_from_db()
    assert not assessment.excluded and not assessment.revisions.exists()


def test_editors_see_new_assessments_and_a_changed_rating_is_new_again(
    admin_client, client, use_case
):
    expert = make_expert(use_case.cluster)
    rate_as(client, expert, use_case, 4)
    assessment = ExpertAssessment.objects.get(expert=expert)

    new = admin_client.get(ACTION_URL, {"review": "new"}).context["cl"].result_list
    admin_client.post(ACTION_URL, {"action": "mark_reviewed", "_selected_action": [assessment.pk]})
    after_review = admin_client.get(ACTION_URL, {"review": "new"}).context["cl"].result_list
    rate_as(client, expert, use_case, 2)
    after_change = admin_client.get(ACTION_URL, {"review": "new"}).context["cl"].result_list

    assert list(new) == [assessment]
    assert list(after_review) == []
    assert list(after_change) == [assessment]


def test_the_admin_shows_an_assessments_history_and_keeps_the_experts_scores_read_only(
    admin_client, client, use_case
):
    expert = make_expert(use_case.cluster)
    rate_as(client, expert, use_case, 4)
    rate_as(client, expert, use_case, 2)
    assessment = ExpertAssessment.objects.get(expert=expert)

    page = admin_client.get(f"{ACTION_URL}{assessment.pk}/change/")

    assert 'name="revenue"' not in page.content.decode()
    history = page.context["adminform"].form.instance.revisions.all()
    assert [r.values["revenue"] for r in history] == [2, 4]  # newest first
    assert "revenue: 4" in page.content.decode()


def test_the_admin_flags_an_assessment_whose_expert_now_works_for_a_provider_offering_it(
    admin_client, use_case
):
    member = make_member()
    expert = make_expert(use_case.cluster, email=member.user.email, joined=False)
    expert.user = member.user
    expert.save()
    make_assessment(use_case, expert=expert)
    member.provider.use_cases.add(use_case)

    page = admin_client.get(ACTION_URL).content.decode()

    assert 'alt="True"' in page  # the conflict-of-interest column


def test_experts_obstacle_ranking_replaces_the_editors_list_on_the_page(client, use_case):
    use_case.obstacles = ["financial_resources"]
    use_case.save()
    experts = [make_expert(use_case.cluster) for _ in range(2)]
    rate_as(client, experts[0], use_case, 4, ["data_quality", "skilled_staff"])
    rate_as(client, experts[1], use_case, 4, ["data_quality", "skilled_staff", "ai_strategy"])

    page = client.get(f"/use-cases/{use_case.slug}/").content.decode()
    german = client.get(f"/use-cases/{use_case.slug}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    api = client.get(f"/api/v1/use-cases/{use_case.slug}").json()

    assert "Most serious obstacles according to the experts" in page
    assert page.index("Data quality") < page.index("Too few skilled staff")  # 6 points before 4
    assert page.index("Too few skilled staff") < page.index("No AI strategy")
    assert "named by 2 experts" in page and "named by 1 expert" in page
    assert "Financial resources" not in page
    assert "Schwerwiegendste Hindernisse laut Fachleuten" in german
    assert api["obstacles"] == ["data_quality", "skilled_staff", "ai_strategy"]


def test_without_expert_obstacles_the_editors_list_stays(client, use_case):
    use_case.obstacles = ["financial_resources"]
    use_case.save()

    page = client.get(f"/use-cases/{use_case.slug}/").content.decode()

    assert "Typical obstacles" in page and "Financial resources" in page


def test_the_api_names_only_experts_who_agreed_to_be_listed(client, use_case):
    make_assessment(use_case, expert=make_expert(use_case.cluster, name="Dr. Open", listed=True))
    make_assessment(use_case, expert=make_expert(use_case.cluster, name="Dr. Quiet"))

    assessors = [
        a["assessor"]
        for a in client.get(f"/api/v1/use-cases/{use_case.slug}").json()["assessments"]
    ]

    assert "Dr. Open" in assessors and "Dr. Quiet" not in assessors
    assert "Member of the expert panel" in assessors


def test_the_insights_show_coverage_per_cluster_and_disagreement_with_invite_links(admin_client):
    cluster = make_cluster(slug="coverage-cluster")
    uncovered = make_use_case(cluster)  # noqa: F841  (counts as "none")
    some = make_use_case(cluster)
    make_assessment(some, revenue=1)
    make_assessment(some, revenue=4)
    enough = make_use_case(cluster)
    for _ in range(3):
        make_assessment(enough)

    response = admin_client.get("/admin/curation/experts/")

    [row] = [r for r in response.context["coverage"] if r.cluster == cluster]
    assert (row.none, row.some, row.enough) == (1, 1, 1)
    [disagreement] = response.context["disagreements"]
    assert disagreement.use_case == some and disagreement.spread == {"revenue": [1, 4]}
    page = response.content.decode()
    assert f"/admin/usecases/expert/add/?clusters={cluster.pk}" in page
    assert admin_client.get(f"/admin/usecases/expert/add/?clusters={cluster.pk}").context[
        "adminform"
    ].form.initial["clusters"] == [str(cluster.pk)]


def test_an_assessment_import_never_finds_or_exports_a_panel_experts_rating(use_case):
    from usecases.resources import ExpertAssessmentResource

    expert = make_expert(use_case.cluster)
    own = make_assessment(use_case, expert=expert, assessor=expert.name, revenue=5)

    exported = ExpertAssessmentResource().export().dict
    found = ExpertAssessmentResource().get_queryset().filter(pk=own.pk)

    assert expert.name not in [row["assessor"] for row in exported]
    assert not found.exists()
