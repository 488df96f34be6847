"""The portfolio chart: points where the numbers say, quadrants named, a table beside it."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from matching.portfolio import LEFT, PLOT_HEIGHT, PLOT_WIDTH, TOP, portfolio
from matching.schemas import RankedUseCase, ResultCluster, ResultFeasibility, ResultUseCase
from usecases.models import ValuePotential


def result(rank: int, slug: str, overall: float, cost: float, score: float) -> RankedUseCase:
    return RankedUseCase(
        rank=rank,
        relevance=0.8,
        score=0.8,
        use_case=ResultUseCase(
            slug=slug,
            title=f"Use case {slug}",
            summary="",
            cluster=ResultCluster(slug="cluster", name="Cluster"),
        ),
        value_potential=ValuePotential(
            revenue=2.0,
            company_value=2.0,
            cost_reduction=cost,
            overall=overall,
            assessments=1,
            editorial_estimate=True,
        ),
        matched_on=[],
        providers=[],
        feasibility=ResultFeasibility(score=score, estimated=False, blockers=[]),
    )


RESULTS = [
    result(1, "a", overall=4.0, cost=1.5, score=2.0),  # valuable, hard
    result(2, "b", overall=2.0, cost=5.0, score=4.5),  # not valuable overall, easy
    result(3, "c", overall=5.0, cost=3.0, score=5.0),  # valuable and easy
]


def marks(svg: str) -> dict[str, tuple[float, float]]:
    found = re.findall(r'data-ranks="([^"]+)" data-x="([\d.]+)" data-y="([\d.]+)"', svg)
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(circles) == len(found)
    return {ranks: (float(x), float(y)) for ranks, x, y in found}


def render(chart) -> str:
    return render_to_string("matching/_portfolio.html", {"portfolio": chart})


def test_points_sit_where_value_and_feasibility_say():
    chart = portfolio(RESULTS, "balanced", "Balanced")
    drawn = marks(render(chart))

    # Feasibility 2 of 1..5 is a quarter across; value 4 is a quarter down from the top.
    assert drawn["1"] == (LEFT + PLOT_WIDTH / 4, TOP + PLOT_HEIGHT / 4)
    assert drawn["2"] == (LEFT + PLOT_WIDTH * 3.5 / 4, TOP + PLOT_HEIGHT * 3 / 4)
    assert drawn["3"] == (LEFT + PLOT_WIDTH, TOP)


def test_the_goal_decides_the_height_of_a_point():
    overall = marks(render(portfolio(RESULTS, "balanced", "Balanced")))
    cost = marks(render(portfolio(RESULTS, "cost_reduction", "Reduce costs")))

    assert cost["2"][1] < overall["2"][1]  # cost reduction 5 sits higher than overall 2
    assert cost["2"][0] == overall["2"][0]


def test_each_point_is_in_its_named_quadrant_in_the_table():
    svg = render(portfolio(RESULTS, "balanced", "Balanced"))

    def ranks_in(quadrant: str) -> list[str]:
        body = svg.split(f'<tbody data-quadrant="{quadrant}">', 1)[1].split("</tbody>", 1)[0]
        return re.findall(r"<tr><td>(\d+)</td>", body)

    assert ranks_in("strategic") == ["1"]
    assert ranks_in("easy_extra") == ["2"]
    assert ranks_in("quick_win") == ["3"]
    assert "Quick wins" in svg and "Worth preparing for" in svg and "Not now" in svg


def test_the_quadrants_have_plain_german_names():
    with translation.override("de"):
        svg = render(portfolio(RESULTS, "balanced", "Ausgewogen"))
    assert "Schnell umsetzbar" in svg and "Strategisch lohnend" in svg


def test_the_chart_is_an_accessible_image_with_title_and_description():
    svg = render(portfolio(RESULTS, "balanced", "Balanced"))

    assert re.search(r'<svg [^>]*role="img"[^>]*aria-labelledby="portfolio-svg-title', svg)
    assert '<title id="portfolio-svg-title">' in svg
    description = re.search(r'<desc id="portfolio-svg-desc">([^<]+)</desc>', svg).group(1)
    assert "Quick wins: 3" in description
    assert "style=" not in svg  # the Content-Security-Policy allows no inline styles


def test_points_at_one_place_share_one_mark_labelled_with_both_numbers():
    close = [*RESULTS, result(4, "d", overall=4.0, cost=1.0, score=2.1)]
    chart = portfolio(close, "balanced", "Balanced")
    svg = render(chart)

    assert 'data-ranks="1,4"' in svg
    assert len(chart.points) == 4 and len(chart.marks) == 3


def test_no_chart_without_feasibility():
    plain = [r.model_copy(update={"feasibility": None}) for r in RESULTS]
    assert portfolio(plain, "balanced", "Balanced") is None


@pytest.mark.parametrize("goal", ["balanced", "revenue", "company_value", "cost_reduction"])
def test_every_goal_draws_every_point(goal):
    chart = portfolio(RESULTS, goal, goal)
    assert [p.rank for p in chart.points] == [1, 2, 3]
