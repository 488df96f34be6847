"""An invited expert joins in a real browser, rates two use cases, and the public pages change:
the third rating switches one use case to expert figures, the first one is counted on the other."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from tests.browser.test_content_security_policy import RECORD_VIOLATIONS
from tests.factories import PASSWORD, make_assessment, make_expert
from usecases.models import Cluster, Expert, ExpertAssessment, UseCase

pytestmark = [pytest.mark.browser, pytest.mark.model]

EMAIL = "jana.weber@institut.example"


@pytest.fixture
def setting(site, django_db_blocker):
    """Two published use cases of one cluster; the first already has two expert ratings.

    The live server commits, so everything made here or by the browser is removed afterwards.
    """
    with django_db_blocker.unblock():
        cluster = Cluster.objects.get(slug="production-optimization")
        first, second = UseCase.objects.published().filter(cluster=cluster).order_by("slug")[:2]
        others = [make_expert(cluster) for _ in range(2)]
        for expert, score in zip(others, (4, 5), strict=True):
            make_assessment(
                first,
                expert=expert,
                revenue=score,
                company_value=score,
                cost_reduction=score,
            )
        invited = make_expert(
            cluster, joined=False, name="Dr. Jana Weber", organisation="Institut", email=EMAIL
        )
    yield {"first": first, "second": second, "invited": invited}
    with django_db_blocker.unblock():
        experts = Expert.objects.filter(pk__in=[invited.pk, *(e.pk for e in others)])
        ExpertAssessment.objects.filter(expert__in=experts).delete()
        users = [e.user_id for e in experts if e.user_id]
        experts.delete()
        User.objects.filter(pk__in=users).delete()


def rate(page, title: str, score: str, obstacles: tuple[str, str]) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    for dimension in ("revenue", "company_value", "cost_reduction"):
        page.check(f"input[name={dimension}][value='{score}']")
    page.check("input[name=confidence][value='2']")
    page.select_option("select[name=obstacle_1]", obstacles[0])
    page.select_option("select[name=obstacle_2]", obstacles[1])
    page.fill("textarea[name=comment]", "Rated in the browser test.")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/expert/$"))


def caption(page, site: str, use_case: UseCase) -> str:
    page.goto(f"{site}/use-cases/{use_case.slug}/")
    return page.locator("aside .value-chart figcaption").inner_text()


def test_an_expert_joins_rates_two_use_cases_and_the_public_pages_change(page, site, setting):
    first, second = setting["first"], setting["second"]
    page.add_init_script(RECORD_VIOLATIONS)
    before_first = caption(page, site, first)
    before_second = caption(page, site, second)
    assert "Source: editorial estimate" in before_first
    assert "2 expert ratings so far; expert figures are shown from 3 ratings on." in before_first
    assert "Source: editorial estimate" in before_second
    assert "expert rating" not in before_second

    # Join from the invitation link with a new account, agreeing to be listed.
    page.goto(f"{site}/expert/invitation/{setting['invited'].token}/")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=listed_publicly]")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/expert/$"))
    rows = page.locator("table.work-list tbody tr")
    assert rows.first.get_attribute("data-use-case") != first.slug  # fewest assessments first

    rate(page, first.title, "3", ("data_quality", "skilled_staff"))
    rate(page, second.title, "5", ("legal_regulatory", "data_quality"))
    assert "You have rated 2 of" in page.locator("[data-progress]").inner_text()

    after_first = caption(page, site, first)
    assert "Source: expert panel" in after_first
    assert "Mean of 3 expert assessments" in after_first
    assert "Revenue 3\u20135" in after_first  # the spread of 4, 5 and the new 3
    assert page.locator("aside .value-chart line.chart-spread").count() == 9
    obstacles = page.locator("[data-expert-obstacles]").inner_text()
    assert obstacles.index("Data quality") < obstacles.index("Too few skilled staff")

    after_second = caption(page, site, second)
    assert "Source: editorial estimate" in after_second
    assert "1 expert rating so far" in after_second

    page.goto(f"{site}/experts/")
    assert any("Dr. Jana Weber" in text for text in page.locator("[data-expert]").all_inner_texts())
    assert page.evaluate("window.__cspViolations") == []
