"""A company manager's journey through the site in a real browser, in English and German."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matching.models import ResultFeedback, Submission

pytestmark = [pytest.mark.browser, pytest.mark.model]

RESULT_URL = re.compile(r"/results/[0-9a-f-]{36}/$")


def result_order(page) -> list[str]:
    return page.locator(".result-list > li").evaluate_all("items => items.map(i => i.id)")


def submit_problem(page, text: str) -> None:
    page.fill("textarea[name=text]", text)
    page.click("button.primary")


def test_an_english_problem_gets_ranked_results_that_can_be_reweighted_and_rated(
    page, site, django_db_blocker
):
    page.goto(site)
    assert page.locator("h1").inner_text() == "Which AI use cases fit your business problem?"
    submit_problem(page, "We type every supplier invoice into our ERP by hand, it takes days.")

    page.wait_for_url(RESULT_URL)
    cards = page.locator(".result-list > li")
    assert cards.count() == 10
    first = cards.first
    assert "Document processing" in first.locator(".cluster").inner_text()
    assert first.locator(".score-value").inner_text().isdigit()
    assert first.locator(".value-chart svg rect.chart-bar").count() == 3
    assert (
        "Initial estimate by the catalog editors"
        in first.locator(".value-chart figcaption").inner_text()
    )
    assert first.locator(".your-words mark").count() >= 1

    before = result_order(page)
    page.click(".reweight-box > summary")
    page.select_option("select[name=goal]", "revenue")
    # Choosing a goal re-sorts at once (htmx); the weight is set on the page that answers.
    page.wait_for_url(re.compile(r"goal=revenue"))
    page.locator("#order-note", has_text="Re-sorted").wait_for()
    page.fill("input[name=weight]", "100")
    page.click(".reweight button[type=submit]")
    page.wait_for_url(re.compile(r"goal=revenue.*weight=100"))
    page.wait_for_function(
        "before => JSON.stringify([...document.querySelectorAll('.result-list > li')]"
        ".map(i => i.id)) !== before",
        arg=str(before).replace("'", '"'),
    )
    assert sorted(result_order(page)) == sorted(before)

    rated = page.locator(".result-list > li").first
    slug = rated.get_attribute("id").removeprefix("result-")
    rated.get_by_role("button", name="Helpful", exact=True).click()
    page.locator(f"#rating-{slug} .rated").wait_for()
    submission_id = re.search(r"/results/([0-9a-f-]{36})/", page.url).group(1)
    with django_db_blocker.unblock():
        assert ResultFeedback.objects.get(submission_id=submission_id, use_case_slug=slug).helpful


def test_german_interface_and_german_results(page, site):
    page.goto(site)
    page.click("button[name=language][value=de]")
    page.wait_for_selector("html[lang=de]")
    assert "Welche KI-Anwendungsfälle" in page.locator("h1").inner_text()

    submit_problem(
        page, "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht still."
    )

    page.wait_for_url(RESULT_URL)
    first = page.locator(".result-list > li").first
    assert first.locator(".cluster").inner_text() == "Vorausschauende Instandhaltung"
    assert "Wertpotenzial" in first.inner_text()
    assert "Pass" in first.locator(".score-label").inner_text()
    # The choice is remembered on the next page.
    page.click("text=Katalog durchsuchen")
    assert page.locator("h1").inner_text() == "Katalog durchsuchen"


def test_browsing_clusters_and_a_use_case(page, site):
    page.goto(f"{site}/clusters/")
    clusters = page.locator(".cluster-card")
    assert clusters.count() == 19
    page.click("text=Predictive maintenance")
    assert page.locator("h1").inner_text() == "Predictive maintenance"
    page.locator(".use-case-list .card-title a").first.click()
    assert page.locator(".value-chart svg").count() == 1
    assert page.locator("dt", has_text="Typical obstacles").count() == 1
    assert page.locator(".related li").count() >= 1


def test_deleting_a_stored_query_makes_its_address_answer_404(page, site):
    page.goto(site)
    submit_problem(page, "Our delivery trucks drive half empty and routes are planned on paper.")
    page.wait_for_url(RESULT_URL)
    address = page.url

    page.click("button.danger")

    page.wait_for_url(f"{site}/")
    assert "have been deleted" in page.locator(".messages").inner_text()
    assert page.goto(address).status == 404


def test_empty_and_overlong_descriptions_show_errors_and_keep_the_text(page, site):
    page.goto(site)
    page.click("button.primary")
    error = page.locator("#text-error")
    assert error.inner_text() == "Please describe your business problem."

    long_text = "Our invoices take forever. " * 200
    page.fill("textarea[name=text]", long_text)
    expect(page.locator("#text-count")).to_have_class(re.compile(r"\bover\b"))
    page.click("button.primary")
    expect(page.locator("#text-error")).to_contain_text("5000 characters at most")
    assert page.input_value("textarea[name=text]") == long_text
    assert page.locator("textarea[aria-invalid=true]").count() == 1


def test_dont_store_leaves_no_submission(page, site, django_db_blocker):
    with django_db_blocker.unblock():
        before = Submission.objects.count()
    page.goto(site)
    page.fill("textarea[name=text]", "Customers complain on review sites and nobody reads them.")
    page.check("input[name=dont_store]")
    page.click("button.primary")

    page.locator(".result-list > li").first.wait_for()
    assert "was not stored" in page.locator(".notice").inner_text()
    assert not RESULT_URL.search(page.url)
    with django_db_blocker.unblock():
        assert Submission.objects.count() == before


def test_the_start_page_works_on_a_phone(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    page.locator("a[data-example]").first.click()
    assert page.input_value("textarea[name=text]").startswith("Our machines break down")
