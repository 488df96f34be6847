"""From matches to a decision in a real browser: answer the readiness questions, see the chart,
download the report; stored with JavaScript, and unstored without it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.conftest import ONE_PROBLEM, snap

pytestmark = [pytest.mark.browser, pytest.mark.model]

RESULT_URL = re.compile(r"/results/[0-9a-f-]{36}/(#portfolio)?$")


def answer(page, scope: str, answers: dict[str, str]) -> None:
    page.locator(f"{scope} > summary").click()
    for key, value in answers.items():
        page.locator(f'{scope} input[name={key}][value="{value}"]').check()


def report_text(download) -> tuple[int, str]:
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), " ".join(
        " ".join(page.extract_text() for page in reader.pages).split()
    )


def test_a_manager_answers_on_the_start_page_sees_the_chart_and_downloads_the_report(browse, site):
    page = browse("desktop", "en")
    page.goto(site)
    page.fill("textarea[name=text]", ONE_PROBLEM["en"])
    answer(
        page,
        "form.problem-form details.readiness-check",
        {"data": "paper", "skills": "partner", "budget": "10k_50k", "horizon": "12_months"},
    )
    page.click("form.problem-form button.primary")
    page.wait_for_url(RESULT_URL)

    chart = page.locator("svg.portfolio-chart")
    chart.wait_for()
    assert chart.locator("g.mark").count() >= 1
    assert "Quick wins" in chart.locator("text.quadrant-name").all_text_contents()
    assert page.locator(".portfolio-table tbody tr").count() >= 9  # 8 results, quadrant heads
    # The chart comes before the cards, and the first card names its blockers.
    assert page.evaluate(
        "document.querySelector('.portfolio').compareDocumentPosition("
        "document.querySelector('.result-list')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert page.locator(".result-list > li:first-child .blockers li").count() >= 1
    snap(page, "results-with-portfolio")

    title = " ".join(page.locator(".result-list > li:first-child .card-title").inner_text().split())
    with page.expect_download() as download:
        page.click("a.report-link")
    pages, text = report_text(download.value)
    assert pages <= 2
    assert title in text
    assert "Quick wins" in text and "How these figures were made" in text


def test_without_javascript_an_unstored_query_is_answered_and_reported_in_german(browse, site):
    page = browse("phone", "de", javascript=False)
    page.goto(site)
    page.fill("textarea[name=text]", ONE_PROBLEM["de"])
    page.locator("input[name=dont_store]").check()
    page.click("form.problem-form button.primary")
    page.locator("#answer").wait_for()
    assert page.locator("svg.portfolio-chart").count() == 0

    answer(page, "details.results-readiness", {"data": "none", "change": "open"})
    page.click("details.results-readiness button.primary")
    page.locator("svg.portfolio-chart").wait_for()
    first_blocker = page.locator(".result-list > li:first-child .blockers li").first
    assert first_blocker.get_attribute("data-blocker") == "data_availability"

    with page.expect_download() as download:
        page.click("form.report-form button")
    _pages, text = report_text(download.value)
    assert "Entscheidungsvorlage" in text and "Schnell umsetzbar" in text
