"""The insights dashboard's figures, checked against a known set of submissions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from matching.insights import insights
from matching.models import ResultFeedback, Submission
from matching.services import MatchRequest, match
from providers.models import ContactRequest
from tests.factories import (
    make_cluster,
    make_provider,
    make_submission,
    make_use_case,
    stored_result,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
OLD = datetime.timedelta(days=40)
SCRIPT = '<script>alert("gap")</script> we need a robot that waters office plants'


def submit(day: datetime.date, language: str, *, low: bool = False, best=None, text="a query"):
    results = [] if best is None else [stored_result(best)]
    submission = make_submission(text=text, language=language, low_confidence=low, results=results)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Submission.objects.filter(pk=submission.pk).update(created_at=noon)
    return submission


@pytest.fixture
def known_submissions():
    """Three days: 5 English and 3 German queries, 3 of them low confidence."""
    production = make_cluster(slug="production", name_en="Production")
    service = make_cluster(slug="service", name_en="Service")
    maintenance = make_use_case(production, slug="maintenance", title_en="Maintenance")
    scheduling = make_use_case(production, slug="scheduling", title_en="Scheduling")
    chatbot = make_use_case(service, slug="chatbot", title_en="Chatbot")
    day1, day2, day3 = (TODAY - datetime.timedelta(days=n) for n in (2, 1, 0))
    first = submit(day1, "en", best=maintenance)
    other = submit(day1, "en", best=maintenance)
    submit(day1, "de", best=chatbot)
    submit(day2, "en", low=True, best=scheduling, text="How do I bake bread?")
    submit(day2, "de", best=maintenance)
    submit(day3, "en", best=maintenance)
    submit(day3, "en", low=True, best=chatbot, text=SCRIPT)
    submit(day3, "de", low=True, text="Wie backe ich Brot?")
    submit(TODAY - datetime.timedelta(days=40), "en", low=True, text="too old to count")
    ResultFeedback.objects.create(submission=first, use_case_slug="maintenance", helpful=True)
    ResultFeedback.objects.create(submission=other, use_case_slug="maintenance", helpful=False)
    ResultFeedback.objects.create(submission=other, use_case_slug="chatbot", helpful=True)


def test_it_counts_submissions_per_day_and_language(known_submissions):
    figures = insights(30, until=TODAY)

    assert figures.total == 8
    assert figures.by_language == {"de": 3, "en": 5}
    by_day = {day.day: (day.by_language, day.low_confidence) for day in figures.days if day.total}
    assert by_day == {
        TODAY - datetime.timedelta(days=2): ({"en": 2, "de": 1}, 0),
        TODAY - datetime.timedelta(days=1): ({"en": 1, "de": 1}, 1),
        TODAY: ({"en": 2, "de": 1}, 2),
    }
    assert len(figures.days) == 30 and figures.days[-1].day == TODAY


def test_it_computes_the_low_confidence_share_per_day(known_submissions):
    shares = {day.day: day.low_confidence_share for day in insights(3, until=TODAY).days}

    assert shares[TODAY - datetime.timedelta(days=2)] == 0
    assert shares[TODAY - datetime.timedelta(days=1)] == pytest.approx(1 / 2)
    assert shares[TODAY] == pytest.approx(2 / 3)


def test_it_ranks_the_best_matches_by_use_case_and_by_cluster(known_submissions):
    figures = insights(30, until=TODAY)

    assert [(r.slug, r.label, r.count) for r in figures.top_use_cases] == [
        ("maintenance", "Maintenance", 4),
        ("chatbot", "Chatbot", 2),
        ("scheduling", "Scheduling", 1),
    ]
    assert [(r.slug, r.count) for r in figures.top_clusters] == [("production", 5), ("service", 2)]


def test_the_gap_list_holds_the_low_confidence_queries_of_the_period(known_submissions):
    gaps = [g.text for g in insights(30, until=TODAY).gaps]

    assert gaps == ["Wie backe ich Brot?", SCRIPT, "How do I bake bread?"] or sorted(
        gaps
    ) == sorted(["Wie backe ich Brot?", SCRIPT, "How do I bake bread?"])
    assert "too old to count" not in gaps


def test_it_sums_result_feedback_per_use_case(known_submissions):
    feedback = {f.slug: (f.helpful, f.not_helpful) for f in insights(30, until=TODAY).feedback}

    assert feedback == {"maintenance": (1, 1), "chatbot": (1, 0)}


def test_the_dashboard_page_escapes_queries_and_links_each_gap_to_a_prefilled_draft(
    admin_client, known_submissions
):
    gap = Submission.objects.get(text=SCRIPT)
    Submission.objects.update(created_at=timezone.now())  # into the page's default period

    page = admin_client.get("/admin/curation/insights/").content.decode()

    assert '<script>alert("gap")</script>' not in page
    assert "&lt;script&gt;alert(&quot;gap&quot;)&lt;/script&gt;" in page
    assert page.count('class="insights-chart') == 4
    link = f"/admin/usecases/usecase/add/?from_query={gap.pk}"
    assert link in page

    draft_form = admin_client.get(link).content.decode()
    assert "&lt;script&gt;alert(&quot;gap&quot;)&lt;/script&gt; we need a robot" in draft_form
    assert 'name="problem_statements-0-text"' in draft_form
    assert '<script>alert("gap")</script>' not in draft_form


def test_the_dashboard_is_linked_from_the_admin_index_and_hidden_from_others(admin_client, client):
    assert "/admin/curation/insights/" in admin_client.get("/admin/").content.decode()
    response = client.get("/admin/curation/insights/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_the_right_to_read_submissions_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("helper", is_staff=True))

    assert client.get("/admin/curation/insights/").status_code == 403


def test_an_unknown_period_is_refused(admin_client):
    response = admin_client.get("/admin/curation/insights/", {"days": "1000"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.model
def test_a_query_the_company_asked_not_to_store_appears_nowhere(admin_client, catalog):
    private = "Our secret recipe for glow-in-the-dark cheese keeps failing in the cellar"
    stored = "Our glow-in-the-dark cheese keeps failing in the cellar every spring"
    match(MatchRequest(private, store=False))
    match(MatchRequest(stored, store=True))

    page = admin_client.get("/admin/curation/insights/").content.decode()

    assert stored in page  # a low-confidence query that was allowed to be stored
    assert private not in page
    assert not Submission.objects.filter(text=private).exists()


def test_it_counts_contact_requests_per_provider_in_the_period(known_submissions):
    busy, quiet = make_provider(name="Busy GmbH"), make_provider(name="Quiet AG")
    for provider, day in ((busy, TODAY), (busy, TODAY), (quiet, TODAY), (quiet, TODAY - OLD)):
        request = ContactRequest.objects.create(
            provider=provider, name="P", company="C", email="p@c.example", message="m" * 30
        )
        noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        ContactRequest.objects.filter(pk=request.pk).update(created_at=noon)

    counts = [(row.label, row.count) for row in insights(30, until=TODAY).contact_requests]

    assert counts == [("Busy GmbH", 2), ("Quiet AG", 1)]
