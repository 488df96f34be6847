"""What is stored about a company's query, for how long, and what is never written anywhere."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from matching.models import ResultFeedback, Submission
from matching.tasks import delete_expired_submissions
from tests.factories import make_submission

SECRET_TEXT = "Confidential: our Zwickau plant loses 40 percent of its welding seams to porosity."


def submission_aged(age_days: float) -> Submission:
    submission = make_submission()
    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - timedelta(days=age_days)
    )
    return submission


@pytest.mark.django_db
def test_the_retention_task_deletes_submissions_past_the_retention_period_with_their_ratings(
    settings,
):
    settings.SUBMISSION_RETENTION_DAYS = 30
    expired = submission_aged(age_days=30.1)
    ResultFeedback.objects.create(submission=expired, use_case_slug="ocr", helpful=True)
    kept = submission_aged(age_days=29.9)

    assert delete_expired_submissions() == 1  # as celery beat calls it

    assert list(Submission.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not ResultFeedback.objects.exists()


def test_celery_beat_runs_the_retention_task_and_the_default_keeps_90_days():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "matching.tasks.delete_expired_submissions" in schedule
    assert settings.SUBMISSION_RETENTION_DAYS == 90


@pytest.mark.model
@pytest.mark.django_db
@pytest.mark.parametrize("channel", ["api", "form"])
def test_an_opted_out_description_is_written_neither_to_the_database_nor_to_any_log(
    client, catalog, caplog, channel
):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    before = Submission.objects.count()

    if channel == "api":
        response = client.post(
            "/api/v1/match", {"text": SECRET_TEXT, "store": False}, content_type="application/json"
        )
        assert response.json()["query_id"] is None
    else:
        response = client.post("/", {"text": SECRET_TEXT, "goal": "balanced", "dont_store": "on"})
        assert SECRET_TEXT in response.content.decode()  # shown once to the company

    assert response.status_code == 200
    assert Submission.objects.count() == before
    assert caplog.records, "the capture saw no log records at all"
    assert not [r for r in caplog.records if "Zwickau" in r.getMessage()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "retention"),
    [
        ("en", "Privacy", "deleted automatically after 45 days"),
        ("de", "Datenschutz", "nach 45 Tagen automatisch gelöscht"),
    ],
)
def test_the_privacy_page_states_the_configured_retention_and_is_linked_from_every_page(
    client, settings, language, heading, retention
):
    settings.SUBMISSION_RETENTION_DAYS = 45

    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    start = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f"<h1>{heading}</h1>" in page
    assert retention in page
    assert f'<a href="/privacy/">{heading}</a>' in start
