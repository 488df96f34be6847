"""From matches to a decision: readiness answers given after the match, and the snapshot an
unstored query's page carries (the decision report itself is matching.report)."""

from __future__ import annotations

from typing import Any

from django.core import signing

from matching import feasibility
from matching.models import Submission
from matching.readiness import Answers
from matching.schemas import dump_groups, dump_results
from matching.services import published_catalog

# What a results page needs to be drawn again, carried by the page of a query that was not
# stored (signed, so it cannot be altered; it lives in the company's browser only).
SNAPSHOT_FIELDS = (
    "text",
    "language",
    "goal",
    "value_weight",
    "low_confidence",
    "company_size",
    "results",
    "groups",
    "readiness",
)
SNAPSHOT_SALT = "matching.unstored-results"
SNAPSHOT_MAX_AGE_SECONDS = 24 * 3600


def sign_unstored(submission: Submission) -> str:
    """The unsaved submission as a signed, compressed token for a hidden form field."""
    return signing.dumps(
        {name: getattr(submission, name) for name in SNAPSHOT_FIELDS},
        salt=SNAPSHOT_SALT,
        compress=True,
    )


def unsigned_or_none(token: str) -> Submission | None:
    """The unsaved submission a page carried, or None when the token was altered or is older
    than SNAPSHOT_MAX_AGE_SECONDS."""
    try:
        data: dict[str, Any] = signing.loads(
            token, salt=SNAPSHOT_SALT, max_age=SNAPSHOT_MAX_AGE_SECONDS
        )
    except signing.BadSignature:
        return None
    return Submission(**{name: data.get(name) for name in SNAPSHOT_FIELDS})


def answer(submission: Submission, answers: Answers, *, save: bool = True) -> None:
    """Give the submission these readiness answers and each result its feasibility for them;
    stored only when `save` (a stored query: the company let us keep it)."""
    submission.readiness = answers or None
    results, groups = feasibility.attach_all(
        submission.shown_results(),
        submission.shown_groups(),
        answers,
        submission.language,
        published_catalog.use_cases_by_slug(),
    )
    submission.results, submission.groups = dump_results(results), dump_groups(groups)
    if save:
        submission.save(update_fields=["readiness", "results", "groups"])
