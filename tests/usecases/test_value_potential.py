from __future__ import annotations

import pytest
from django.db import IntegrityError

from tests.factories import make_assessment, make_use_case
from usecases.models import ValuePotential

pytestmark = pytest.mark.django_db


def test_it_averages_each_dimension_and_overall():
    use_case = make_use_case()
    make_assessment(use_case, revenue=2, company_value=3, cost_reduction=5)
    make_assessment(use_case, revenue=4, company_value=4, cost_reduction=4)

    potential = use_case.value_potential

    assert (potential.revenue, potential.company_value, potential.cost_reduction) == (3.0, 3.5, 4.5)
    assert potential.overall == pytest.approx((3.0 + 3.5 + 4.5) / 3, abs=0.01)
    assert potential.assessments == 2
    assert potential.editorial_estimate is False


def test_it_is_empty_without_assessments():
    potential = make_use_case().value_potential

    assert potential.overall is None
    assert potential.assessments == 0


def test_expert_assessments_replace_editorial_estimates():
    use_case = make_use_case()
    make_assessment(use_case, editorial_estimate=True, revenue=1, company_value=1, cost_reduction=1)
    assert use_case.value_potential.editorial_estimate is True

    make_assessment(use_case, revenue=5, company_value=5, cost_reduction=5)
    potential = use_case.value_potential

    assert potential.editorial_estimate is False
    assert potential.assessments == 1
    assert potential.overall == 5.0


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
