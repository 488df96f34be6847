"""axe-core, vendored from npm (tests/browser/vendor), checks the main pages inside Chromium:
no serious or critical violation at a laptop's and a phone's width, in English and German."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from providers.models import Provider
from tests.browser.conftest import ONE_PROBLEM

pytestmark = [pytest.mark.browser, pytest.mark.model]

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
BLOCKING = {"serious", "critical"}
RESULT_URL = re.compile(r"/results/[0-9a-f-]{36}/$")


def violations(page) -> list[str]:
    """Serious and critical axe findings on the page as it is now, one line each."""
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    # govern: the site itself never loads axe.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])}"
        for v in found
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_start_results_use_case_directory_and_provider_page_have_no_serious_violations(
    browse, site, language, width, django_db_blocker
):
    page = browse(width, language)
    found: dict[str, list[str]] = {}

    page.goto(site)
    found["start"] = violations(page)

    page.fill("textarea[name=text]", ONE_PROBLEM[language])
    page.click("button.primary")
    page.wait_for_url(RESULT_URL)
    page.locator("#answer").wait_for()
    found["results"] = violations(page)

    # The readiness check answered on the results page: the chart and the blockers appear.
    page.locator("details.results-readiness > summary").click()
    page.locator("details.results-readiness input[name=data][value=paper]").check()
    page.locator("details.results-readiness input[name=skills][value=nobody]").check()
    page.click("details.results-readiness button.primary")
    page.locator("svg.portfolio-chart").wait_for()
    found["results with the portfolio chart"] = violations(page)

    page.locator(".result-list > li:first-child .card-title a").click()
    page.locator(".use-case h1").wait_for()
    found["use case"] = violations(page)

    page.goto(f"{site}/providers/")
    found["provider directory"] = violations(page)

    with django_db_blocker.unblock():
        provider = Provider.objects.approved().order_by("slug").first()
    assert provider is not None, "the catalog has no approved provider to check"
    page.goto(f"{site}/providers/{provider.slug}/")
    found["provider page"] = violations(page)

    assert found == {name: [] for name in found}
