"""From matches to a decision through the pages: the readiness check on the start and results
pages, the chart above the cards, and the decision report read back from its PDF."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from matching.models import Submission

pytestmark = [pytest.mark.django_db, pytest.mark.model]

PROBLEM_DE = "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht still."
PROBLEM_EN = "We type every supplier invoice into our ERP by hand and it takes days."
ANSWERS = {"data": "paper", "skills": "nobody", "budget": "10k_50k", "horizon": "12_months"}


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def snapshot_of(page: str) -> str:
    return re.search(r'name="snapshot" value="([^"]+)"', page).group(1)


@pytest.fixture
def stored(client, catalog) -> Submission:
    response = client.post("/", {"text": PROBLEM_DE, "goal": "cost_reduction", **ANSWERS})
    assert response.status_code == 302
    return Submission.objects.get(pk=response["Location"].split("/")[2])


def test_answers_given_on_the_start_page_are_stored_with_the_query(stored):
    assert stored.readiness == ANSWERS
    assert all(r["feasibility"]["estimated"] is False for r in stored.results)


def test_the_results_page_shows_the_chart_above_the_cards_once_answers_exist(client, stored):
    page = client.get(f"/results/{stored.pk}/").content.decode()

    assert page.index('class="portfolio-chart"') < page.index('class="result-list"')
    assert 'class="portfolio-table"' in page
    assert page.count('data-feasibility="') == len(stored.results)
    assert 'data-blocker="' in page


def test_without_answers_there_is_no_chart_but_an_offer_to_answer(client, catalog):
    response = client.post("/", {"text": PROBLEM_EN, "goal": "balanced"})
    page = client.get(response["Location"]).content.decode()

    assert 'class="portfolio-chart"' not in page
    assert 'name="data"' in page and "readiness/" in page
    assert "estimated without your answers" in page


def test_answering_on_a_stored_results_page_stores_the_answers_and_draws_the_chart(client, catalog):
    location = client.post("/", {"text": PROBLEM_EN, "goal": "balanced"})["Location"]
    submission = Submission.objects.get(pk=location.split("/")[2])

    response = client.post(f"{location}readiness/", {"data": "none", "legal": "settled"})

    assert response.status_code == 302
    assert response["Location"].endswith("#portfolio")
    submission.refresh_from_db()
    assert submission.readiness == {"data": "none", "legal": "settled"}
    assert submission.results[0]["feasibility"]["blockers"][0]["key"] == "data_availability"
    assert 'class="portfolio-chart"' in client.get(location).content.decode()


def test_an_unknown_answer_on_the_results_page_is_a_400_naming_the_question(client, stored):
    response = client.post(f"/results/{stored.pk}/readiness/", {"data": "plenty"})

    assert response.status_code == 400
    assert 'id="data-error"' in response.content.decode()
    stored.refresh_from_db()
    assert stored.readiness == ANSWERS  # what was stored is kept


def test_an_unstored_query_is_answered_and_reported_without_storing_anything(client, catalog):
    page = client.post("/", {"text": PROBLEM_EN, "goal": "balanced", "dont_store": "on"})
    snapshot = snapshot_of(page.content.decode())

    answered = client.post("/results/readiness/", {"snapshot": snapshot, "data": "good"})
    assert answered.status_code == 200
    assert 'class="portfolio-chart"' in answered.content.decode()
    report = client.post(
        "/results/report.pdf", {"snapshot": snapshot_of(answered.content.decode())}
    )
    assert report.status_code == 200
    assert report["Content-Type"] == "application/pdf"
    _reader, text = pdf_text(report.content)
    assert "Feasibility from your answers" in " ".join(text.split())
    assert not Submission.objects.exists()


def test_an_altered_snapshot_is_refused(client, catalog):
    page = client.post("/", {"text": PROBLEM_EN, "goal": "balanced", "dont_store": "on"})
    snapshot = snapshot_of(page.content.decode())

    response = client.post("/results/report.pdf", {"snapshot": snapshot[:-3] + "abc"})

    assert response.status_code == 400
    assert "no longer available" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "quadrant", "method"),
    [
        ("de", "Entscheidungsvorlage", "Schnell umsetzbar", "Wie diese Zahlen entstehen"),
        ("en", "a decision paper", "Quick wins", "How these figures were made"),
    ],
)
def test_the_report_names_the_top_use_case_has_the_chart_and_is_in_the_asked_language(
    client, stored, language, heading, quadrant, method
):
    response = client.get(f"/results/{stored.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader, text = pdf_text(response.content)
    flat = " ".join(text.split())
    assert 1 <= len(reader.pages) <= 2
    assert heading in flat and method in flat
    # The top use case, by its title as the company saw it (the description was German).
    assert " ".join(stored.results[0]["use_case"]["title"].split()) in flat
    # The chart: its quadrant names and its numbered points are drawn on the first page.
    first_page = " ".join(reader.pages[0].extract_text().split())
    assert quadrant in first_page
    drawing = reader.pages[0].get_contents().get_data()
    assert drawing.count(b" c\n") + drawing.count(b" c ") >= 4  # Bezier curves of the circles
    # Editorial estimates are labelled as such.
    assert ("redaktionelle Schätzung" if language == "de" else "editorial estimate") in flat


def test_a_deleted_query_has_no_report(client, stored):
    stored.delete()
    assert client.get(f"/results/{stored.pk}/report.pdf").status_code == 404
