from __future__ import annotations

import pytest
from django.db import IntegrityError

from tests.factories import make_assessment, make_use_case
from usecases.models import ValuePotential

pytestmark = pytest.mark.django_db


def test_it_averages_each_dimension_and_overall_of_three_experts():
    use_case = make_use_case()
    make_assessment(use_case, revenue=2, company_value=3, cost_reduction=5)
    make_assessment(use_case, revenue=4, company_value=4, cost_reduction=4)
    make_assessment(use_case, revenue=3, company_value=2, cost_reduction=3)

    potential = use_case.value_potential

    assert (potential.revenue, potential.company_value, potential.cost_reduction) == (3.0, 3.0, 4.0)
    assert potential.overall == pytest.approx((3.0 + 3.0 + 4.0) / 3, abs=0.01)
    assert potential.assessments == 3
    assert potential.source == "experts"
    assert potential.spread == {
        "revenue": [2, 4],
        "company_value": [2, 4],
        "cost_reduction": [3, 5],
    }


def test_it_is_empty_without_assessments():
    potential = make_use_case().value_potential

    assert potential.overall is None
    assert potential.assessments == 0
    assert potential.spread is None


def test_the_editorial_estimate_stays_until_three_experts_have_assessed():
    use_case = make_use_case()
    make_assessment(use_case, editorial_estimate=True, revenue=1, company_value=1, cost_reduction=1)
    for expected_experts in (1, 2):
        make_assessment(use_case, revenue=5, company_value=5, cost_reduction=5)
        potential = use_case.value_potential
        assert potential.source == "editorial"
        assert potential.editorial_estimate is True
        assert (potential.overall, potential.assessments) == (1.0, 1)
        assert potential.expert_assessments == expected_experts
        assert potential.spread is None

    make_assessment(use_case, revenue=5, company_value=5, cost_reduction=5)
    potential = use_case.value_potential

    assert potential.source == "experts"
    assert potential.editorial_estimate is False
    assert (potential.overall, potential.assessments) == (5.0, 3)


def test_excluded_assessments_do_not_count_towards_the_three():
    use_case = make_use_case()
    make_assessment(use_case, editorial_estimate=True, revenue=2, company_value=2, cost_reduction=2)
    make_assessment(use_case)
    make_assessment(use_case)
    make_assessment(use_case, excluded=True, exclusion_reason="An outlier", revenue=5)

    potential = use_case.value_potential

    assert potential.source == "editorial"
    assert potential.expert_assessments == 2


def test_goal_picks_the_matching_dimension():
    potential = ValuePotential(2.0, 3.0, 5.0, 3.33, 1, editorial_estimate=True)

    assert potential.for_goal("cost_reduction") == 5.0
    assert potential.for_goal("revenue") == 2.0
    assert potential.for_goal("company_value") == 3.0
    assert potential.for_goal("balanced") == 3.33


def test_the_database_rejects_scores_outside_one_to_five():
    use_case = make_use_case()
    with pytest.raises(IntegrityError):
        make_assessment(use_case, cost_reduction=6)


def test_the_database_rejects_an_exclusion_without_a_reason():
    use_case = make_use_case()
    with pytest.raises(IntegrityError):
        make_assessment(use_case, excluded=True, exclusion_reason="")
