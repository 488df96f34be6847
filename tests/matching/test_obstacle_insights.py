"""Insights for editors: how many companies each obstacle holds back, beside the study."""

from __future__ import annotations

import pytest

from matching.insights import insights
from tests.factories import make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered():
    """Four stored queries: three answered the check (two without data, one without anyone to
    run the project), one did not answer at all."""
    make_submission(readiness={"data": "none", "skills": "ai_staff"})
    make_submission(readiness={"data": "paper", "skills": "nobody", "legal": "settled"})
    make_submission(readiness={"data": "good"})
    make_submission(readiness=None)


def by_question(rows):
    return {row.question: row for row in rows}


def test_each_obstacle_counts_the_companies_that_answered_and_those_it_holds_back(answered):
    rows = by_question(insights(7).obstacles)

    data = rows["Is the data this problem needs recorded today?"]
    assert (data.held_back, data.answered) == (2, 3)
    assert data.share == pytest.approx(2 / 3)
    skills = rows["Who could run such a project in your company?"]
    assert (skills.held_back, skills.answered) == (1, 2)
    legal = rows["Are data protection and legal questions for such a project settled?"]
    assert (legal.held_back, legal.answered) == (0, 1)
    budget = rows["What could you spend on a first project in the next 12 months?"]
    assert budget.answered == 0 and budget.share is None


def test_the_study_figures_stand_beside_them_in_the_studys_words(answered):
    rows = by_question(insights(7).obstacles)

    skills = rows["Who could run such a project in your company?"]
    assert skills.obstacle == "Too few skilled staff"
    assert skills.study == "Named by well over half of the experts asked"
    legal = rows["Are data protection and legal questions for such a project settled?"]
    assert legal.study == "Named by a little more than a third of the experts asked"


def test_the_dashboard_shows_the_shares_and_labels_the_studys_figures(admin_client, answered):
    page = admin_client.get("/admin/curation/insights/?days=7").content.decode()

    section = page.split('id="obstacles"', 1)[1].split("</section>", 1)[0]
    assert "2 / 3" in section and "67 %" in section
    assert "AI Value Creation Study" in section and "not ours" in section
