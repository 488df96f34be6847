"""One typed result schema: what a submission stores loads back as it was shown, results stored
by older versions load too, and the stored JSON's paths the dashboard queries are the schema's."""

from __future__ import annotations

import pytest

from matching.schemas import (
    RankedUseCase,
    ResultCluster,
    ResultProvider,
    ResultUseCase,
    dump_results,
    load_results,
    stored_path,
)
from matching.services import reorder
from usecases.models import ValuePotential

EXPERTS = ValuePotential(
    4.0,
    2.0,
    3.0,
    3.0,
    3,
    editorial_estimate=False,
    spread={"revenue": [3, 5], "company_value": [1, 3], "cost_reduction": [2, 4]},
    expert_assessments=3,
)

# A result as the first version stored it: no `fits`, and a value potential without `source`,
# `spread` and `expert_assessments`.
OLDER = {
    "rank": 1,
    "relevance": 0.71,
    "score": 0.74,
    "use_case": {
        "slug": "invoice-capture",
        "title": "Invoice capture",
        "summary": "Reads invoices.",
        "cluster": {"slug": "document-processing", "name": "Document processing"},
    },
    "value_potential": {
        "revenue": 2.0,
        "company_value": 3.0,
        "cost_reduction": 5.0,
        "overall": 3.33,
        "assessments": 1,
        "editorial_estimate": True,
    },
    "matched_on": ["We type invoices by hand."],
    "providers": [{"slug": "belegfluss", "name": "Belegfluss", "is_example": True}],
}


def ranked(slug: str, relevance: float, potential: ValuePotential, **fits: bool) -> RankedUseCase:
    return RankedUseCase(
        rank=1,
        relevance=relevance,
        score=relevance,
        use_case=ResultUseCase(
            slug=slug, title=slug, summary="", cluster=ResultCluster(slug="c", name="C")
        ),
        value_potential=potential,
        matched_on=["a text"],
        providers=[ResultProvider(slug="p", name="P", is_example=False)],
        fits=fits,
    )


def test_a_stored_result_loads_back_as_it_was_shown():
    result = ranked("predictive-maintenance", 0.82, EXPERTS, industry=True)

    (stored,) = dump_results([result])
    (loaded,) = load_results([stored])

    assert loaded == result
    assert stored["value_potential"]["source"] == "experts"
    assert stored["value_potential"]["spread"]["revenue"] == [3, 5]
    assert stored["fits"] == {"industry": True}


def test_a_result_stored_by_an_older_version_loads_with_the_defaults_of_then():
    (loaded,) = load_results([OLDER])

    assert loaded.fits == {}
    assert loaded.fit_count == 0
    potential = loaded.value_potential
    assert potential.source == "editorial"
    assert (potential.spread, potential.expert_assessments) == (None, 0)
    assert potential.for_goal("cost_reduction") == 5.0
    assert potential.for_goal("balanced") == 3.33


def test_older_results_are_reordered_by_the_goal_asked_for():
    newer = ranked("customer-chatbot", 0.70, ValuePotential(4, 4, 1, 3, 1, True))
    older = load_results([OLDER])[0]

    by_cost = reorder([newer, older], "cost_reduction", 1.0)
    by_revenue = reorder([newer, older], "revenue", 1.0)

    assert [r.use_case.slug for r in by_cost] == ["invoice-capture", "customer-chatbot"]
    assert [r.use_case.slug for r in by_revenue] == ["customer-chatbot", "invoice-capture"]
    assert [r.rank for r in by_cost] == [1, 2]


def test_a_stored_path_names_fields_of_the_schema():
    assert stored_path("use_case", "cluster", "slug") == "use_case__cluster__slug"
    with pytest.raises(ValueError, match=r"use_case\.cluster_slug"):
        stored_path("use_case", "cluster_slug")
