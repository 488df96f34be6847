"""The company pages through Django's test client: forms, stored results, downloads, errors."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from matching.models import ResultFeedback, Submission
from usecases.models import UseCase

pytestmark = [pytest.mark.django_db, pytest.mark.model]

PROBLEM = "We type every supplier invoice into our ERP by hand and it takes days."


@pytest.fixture
def stored(client, catalog) -> Submission:
    response = client.post("/", {"text": PROBLEM, "goal": "balanced"})
    assert response.status_code == 302
    return Submission.objects.get(pk=response["Location"].split("/")[2])


def test_the_start_page_offers_examples_refinements_and_the_privacy_choice(client):
    page = client.get("/").content.decode()

    assert 'name="dont_store"' in page
    assert 'name="industry"' in page and 'name="company_size"' in page
    assert page.count("data-example=") == 3


def test_an_example_link_fills_the_form_without_javascript(client):
    page = client.get("/?example=0").content.decode()
    assert "Our machines break down without warning" in page.split("<textarea", 1)[1]


def test_a_stored_query_redirects_to_its_own_page(client, stored):
    page = client.get(f"/results/{stored.pk}/").content.decode()

    assert stored.text in page
    assert page.count('class="card"') == len(stored.results) == 10
    assert "Initial estimate by the catalog editors" in page


def test_refinements_are_kept_and_providers_for_another_size_are_marked(client, catalog):
    response = client.post(
        "/",
        {
            "text": PROBLEM,
            "goal": "balanced",
            "industry": "wholesale",
            "company_size": "large",
            "business_function": "accounting",
        },
    )
    submission = Submission.objects.get(pk=response["Location"].split("/")[2])

    assert (submission.industry, submission.company_size) == ("wholesale", "large")
    page = client.get(f"/results/{submission.pk}/").content.decode()
    # Belegfluss serves micro to medium companies only: listed after those that fit, and marked.
    belegfluss = page.split("Belegfluss Software (example)</a>", 1)[1].split("</li>", 1)[0]
    assert "not for companies of your size" in belegfluss


def test_reweighting_by_goal_reorders_the_stored_results(client, stored):
    def order(query: str) -> list[str]:
        page = client.get(f"/results/{stored.pk}/{query}").content.decode()
        return [chunk.split('"', 1)[0] for chunk in page.split('id="result-')[1:]]

    default = order("")
    by_revenue = order("?goal=revenue&weight=100")
    by_cost = order("?goal=cost_reduction&weight=100")

    assert sorted(default) == sorted(by_revenue) == sorted(by_cost)
    assert by_revenue != by_cost


def test_rating_a_result_is_stored_and_can_be_changed(client, stored):
    slug = stored.results[0]["use_case"]["slug"]

    client.post(f"/results/{stored.pk}/rate/{slug}/", {"helpful": "yes"})
    client.post(f"/results/{stored.pk}/rate/{slug}/", {"helpful": "no"})

    assert ResultFeedback.objects.get(submission=stored, use_case_slug=slug).helpful is False
    assert (
        client.post(f"/results/{stored.pk}/rate/{slug}/", {"helpful": "maybe"}).status_code == 400
    )
    assert (
        client.post(f"/results/{stored.pk}/rate/not-a-result/", {"helpful": "yes"}).status_code
        == 404
    )


def test_the_csv_download_lists_every_result_and_neutralises_formulas(client, catalog):
    response = client.post(
        "/", {"text": "=HYPERLINK(1) our invoices are typed by hand", "goal": "balanced"}
    )
    pk = response["Location"].split("/")[2]

    download = client.get(f"/results/{pk}/results.csv")

    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Your description", "'=HYPERLINK(1) our invoices are typed by hand"]
    assert rows[1][:4] == ["Rank", "Use case", "Cluster", "Relevance (%)"]
    assert len(rows) == 2 + 10


def test_the_csv_download_names_the_companys_own_words_and_the_catalog_wording_apart(
    client, stored
):
    download = client.get(f"/results/{stored.pk}/results.csv")

    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    header = rows[1]
    words = header.index("Your words that carried the match")
    statement = header.index("How other companies put it (closest catalog problem statement)")
    assert "Matched on" not in header
    first = dict(zip(header, rows[2], strict=True))
    use_case = UseCase.objects.get(title_en=first["Use case"])
    assert first["Your words that carried the match"], "the best result names no word of the text"
    for row in rows[2:]:
        for word in filter(None, row[words].split(", ")):
            assert word in PROBLEM, f"{word!r} is not the company's word"
        assert row[statement] != row[header.index("Use case")]
    assert first[header[statement]] in use_case.problem_statements_in("en")
    assert first[header[statement]] not in PROBLEM


def test_the_printable_page_shows_results_without_page_controls(client, stored):
    page = client.get(f"/results/{stored.pk}/print/").content.decode()

    assert stored.results[0]["use_case"]["title"] in page
    assert "<form" not in page


def test_deleting_removes_the_query_and_its_address(client, stored):
    assert client.get(f"/results/{stored.pk}/delete/").status_code == 405

    response = client.post(f"/results/{stored.pk}/delete/", follow=True)

    assert "have been deleted" in response.content.decode()
    assert client.get(f"/results/{stored.pk}/").status_code == 404
    assert client.get(f"/results/{stored.pk}/results.csv").status_code == 404


def test_an_unknown_results_address_is_404(client):
    assert client.get(f"/results/{uuid.uuid4()}/").status_code == 404


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please describe your business problem."),
        ("   ", "Please describe your business problem."),
        ("word " * 1200, "5000 characters at most"),
    ],
)
def test_bad_descriptions_are_rejected_next_to_the_field_keeping_the_text(client, text, message):
    before = Submission.objects.count()

    response = client.post("/", {"text": text, "goal": "balanced"})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="text-error"' in page and message in page
    assert text.strip()[:20] in page
    assert Submission.objects.count() == before


def test_errors_speak_german_when_the_interface_is_german(client):
    response = client.post("/", {"text": "", "goal": "balanced"}, HTTP_ACCEPT_LANGUAGE="de")
    assert "Bitte beschreiben Sie Ihr geschäftliches Problem." in response.content.decode()


def test_a_description_with_html_is_shown_as_text(client, catalog):
    text = '<script>alert("x")</script> our machines stop without warning'
    response = client.post("/", {"text": text, "goal": "balanced"}, follow=True)

    page = response.content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_dont_store_shows_results_once_and_keeps_nothing(client, catalog):
    before = Submission.objects.count()

    response = client.post("/", {"text": PROBLEM, "goal": "balanced", "dont_store": "on"})

    assert response.status_code == 200
    assert "was not stored" in response.content.decode()
    assert Submission.objects.count() == before


def test_browse_pages_list_clusters_and_use_cases_in_the_chosen_language(client, catalog):
    clusters = client.get("/clusters/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Vorausschauende Instandhaltung" in clusters
    detail = client.get("/use-cases/machine-failure-early-warning-sensor-data/").content.decode()
    assert "Related use cases" in detail
    assert client.get("/clusters/no-such-cluster/").status_code == 404
    assert client.get("/use-cases/no-such-use-case/").status_code == 404
