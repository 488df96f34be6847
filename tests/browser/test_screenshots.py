"""Full-page screenshots of the start page, results (one and two problems, and with the readiness
check answered: its questions and the portfolio chart) and a use case page,
at a laptop's and a phone's width, in English and German, for review.

`make screenshots` writes them to screenshots/ (not committed); the test suite writes them to a
temporary directory, so a page that fails to render fails here too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import ONE_PROBLEM, two_problem_description

pytestmark = [pytest.mark.browser, pytest.mark.model]

RESULT_URL = re.compile(r"/results/[0-9a-f-]{36}/$")


@pytest.fixture
def folder(tmp_path) -> Path:
    directory = Path(os.environ.get("SCREENSHOT_DIR", "") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def results_for(page, site: str, text: str) -> None:
    page.goto(site)
    page.fill("textarea[name=text]", text)
    page.click("button.primary")
    page.wait_for_url(RESULT_URL)
    page.locator("#answer").wait_for()


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_screenshots_of_start_results_and_a_use_case(browse, site, folder, language, width):
    page = browse(width, language)
    written = []

    def shoot(name: str) -> None:
        path = folder / f"{name}-{width}-{language}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)

    page.goto(site)
    shoot("start")
    results_for(page, site, ONE_PROBLEM[language])
    shoot("results-one-problem")
    page.locator("details.results-readiness > summary").click()
    shoot("readiness-questions")
    for key, value in (("data", "digital"), ("skills", "partner"), ("budget", "10k_50k")):
        page.locator(f'details.results-readiness input[name={key}][value="{value}"]').check()
    page.click("details.results-readiness button.primary")
    page.locator("svg.portfolio-chart").wait_for()
    shoot("results-portfolio")
    page.locator(".result-list > li:first-child .card-title a").click()
    page.locator(".use-case h1").wait_for()
    shoot("use-case")
    results_for(page, site, two_problem_description(language))
    assert page.locator(".problem-section").count() == 2
    shoot("results-two-problems")

    assert all(path.stat().st_size > 10_000 for path in written)
