"""Figures for the admin's insights dashboard: what companies asked, what they were shown, where
the catalog had no good answer, and how they rated the results.

Only stored submissions are counted: a company that asked us not to store its description left
no row behind, so its query can never appear here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import ResultFeedback, Submission
from matching.readiness import QUESTIONS
from matching.schemas import stored_path
from providers.models import ContactRequest
from usecases import vocabularies
from usecases.models import Cluster, UseCase

GAPS_SHOWN = 50
# How many low-confidence queries are read to group the shown gaps; repeats beyond are not counted.
GAPS_SCANNED = 2000
TOP_SHOWN = 10


@dataclass
class Day:
    day: datetime.date
    by_language: dict[str, int] = field(default_factory=dict)
    low_confidence: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_language.values())

    @property
    def low_confidence_share(self) -> float | None:
        return self.low_confidence / self.total if self.total else None


@dataclass(frozen=True)
class Ranked:
    slug: str
    label: str
    count: int


@dataclass(frozen=True)
class Feedback:
    slug: str
    label: str
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class Gap:
    """One low-confidence query text, however often it was asked; `pk` is its latest asking."""

    pk: object
    text: str
    language: str
    count: int
    latest: datetime.datetime


@dataclass(frozen=True)
class ObstacleShare:
    """How many companies' answers show one of the study's obstacles, beside the study."""

    question: str
    obstacle: str
    answered: int
    held_back: int
    study: str

    @property
    def share(self) -> float | None:
        return self.held_back / self.answered if self.answered else None


def study_findings() -> dict[str, str]:
    """What the AI Value Creation Study (HdM Stuttgart) says about each obstacle, in words: the
    study published shares only in words, so no number is made up here."""
    interviews = _("Named in the study's interviews; not rated in its survey")
    return {
        "skilled_staff": _("Named by well over half of the experts asked"),
        "data_quality": _("Rated a very large obstacle"),
        "ai_strategy": _("Rated a very large obstacle"),
        "financial_resources": interviews,
        "legal_regulatory": _("Named by a little more than a third of the experts asked"),
        "technology_maturity": _("Named by a little more than a third of the experts asked"),
        "change_management": interviews,
    }


def obstacle_shares(stored: QuerySet[Submission]) -> list[ObstacleShare]:
    """Per readiness question, of the stored queries that answered it, how many answered in a
    way that holds the company back (the options marked `holds_back`)."""
    counts = stored.filter(readiness__isnull=False).aggregate(
        **{
            f"{q.key}_answered": Count("pk", filter=Q(**{f"readiness__{q.key}__isnull": False}))
            for q in QUESTIONS
        },
        **{
            f"{q.key}_held": Count(
                "pk",
                filter=Q(
                    **{f"readiness__{q.key}__in": [o.value for o in q.options if o.holds_back]}
                ),
            )
            for q in QUESTIONS
        },
    )
    findings = study_findings()
    return [
        ObstacleShare(
            question=str(q.text),
            obstacle=vocabularies.label(vocabularies.OBSTACLES, q.obstacle),
            answered=counts[f"{q.key}_answered"],
            held_back=counts[f"{q.key}_held"],
            study=findings[q.obstacle],
        )
        for q in QUESTIONS
    ]


@dataclass(frozen=True)
class Insights:
    since: datetime.date
    until: datetime.date
    days: list[Day]
    by_language: dict[str, int]
    top_use_cases: list[Ranked]
    top_clusters: list[Ranked]
    gaps: list[Gap]
    feedback: list[Feedback]
    contact_requests: list[Ranked]
    obstacles: list[ObstacleShare] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(day.total for day in self.days)

    @property
    def low_confidence(self) -> int:
        return sum(day.low_confidence for day in self.days)


def insights(days: int = 30, *, until: datetime.date | None = None) -> Insights:
    """Submissions, best matches, catalog gaps and result feedback of the last `days` days
    (in the site's time zone), `until` included."""
    until = until or timezone.localdate()
    since = until - datetime.timedelta(days=days - 1)
    stored = Submission.objects.filter(created_at__date__gte=since, created_at__date__lte=until)

    per_day = {
        since + datetime.timedelta(days=n): Day(since + datetime.timedelta(days=n))
        for n in range(days)
    }
    for row in (
        stored.annotate(day=TruncDate("created_at"))
        .values("day", "language")
        .annotate(count=Count("pk"), low=Count("pk", filter=Q(low_confidence=True)))
        .order_by()
    ):
        entry = per_day[row["day"]]
        entry.by_language[row["language"]] = row["count"]
        entry.low_confidence += row["low"]
    by_language: dict[str, int] = defaultdict(int)
    for entry in per_day.values():
        for language, count in entry.by_language.items():
            by_language[language] += count

    return Insights(
        since=since,
        until=until,
        days=list(per_day.values()),
        by_language=dict(sorted(by_language.items())),
        top_use_cases=_most_matched(stored, ("use_case", "slug"), UseCase, "title"),
        top_clusters=_most_matched(stored, ("use_case", "cluster", "slug"), Cluster, "name"),
        gaps=_gaps(stored),
        feedback=_feedback(stored),
        contact_requests=_contact_requests(since, until),
        obstacles=obstacle_shares(stored),
    )


def _gaps(stored: QuerySet[Submission]) -> list[Gap]:
    """Low-confidence queries, newest first, the same text (any case or spacing) listed once."""
    grouped: dict[tuple[str, str], list[Submission]] = {}
    for submission in stored.filter(low_confidence=True).order_by("-created_at")[:GAPS_SCANNED]:
        key = (submission.language, " ".join(submission.text.split()).casefold())
        grouped.setdefault(key, []).append(submission)
    return [
        Gap(same[0].pk, same[0].text, same[0].language, len(same), same[0].created_at)
        for same in list(grouped.values())[:GAPS_SHOWN]
    ]


def _contact_requests(since: datetime.date, until: datetime.date) -> list[Ranked]:
    """Providers by the number of contact requests companies sent them in the period."""
    counts = (
        ContactRequest.objects.filter(created_at__date__gte=since, created_at__date__lte=until)
        .values("provider__slug", "provider__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "provider__slug")[:TOP_SHOWN]
    )
    return [Ranked(row["provider__slug"], row["provider__name"], row["count"]) for row in counts]


def _most_matched(
    stored: QuerySet[Submission],
    fields: tuple[str, ...],
    model: type[UseCase | Cluster],
    label_field: str,
) -> list[Ranked]:
    """What companies got as their best match most often (the first result of each query):
    `fields` name the slug inside a stored result."""
    counts = (
        stored.filter(results__0__isnull=False)
        .values(slug=F(f"results__0__{stored_path(*fields)}"))
        .annotate(count=Count("pk"))
        .order_by("-count", "slug")[:TOP_SHOWN]
    )
    slugs = [row["slug"] for row in counts]
    labels = {obj.slug: getattr(obj, label_field) for obj in model.objects.filter(slug__in=slugs)}
    return [
        Ranked(row["slug"], str(labels.get(row["slug"], row["slug"])), row["count"])
        for row in counts
    ]


def _feedback(stored: QuerySet[Submission]) -> list[Feedback]:
    """Helpful and not helpful ratings per use case, given on the period's queries."""
    rows = (
        ResultFeedback.objects.filter(submission__in=stored)
        .values("use_case_slug")
        .annotate(
            helpful_count=Count("pk", filter=Q(helpful=True)),
            not_helpful_count=Count("pk", filter=Q(helpful=False)),
            total=Count("pk"),
        )
        .order_by("-total", "use_case_slug")
    )
    slugs = [r["use_case_slug"] for r in rows]
    titles = {u.slug: u.title for u in UseCase.objects.filter(slug__in=slugs)}
    return [
        Feedback(
            r["use_case_slug"],
            titles.get(r["use_case_slug"], r["use_case_slug"]),
            r["helpful_count"],
            r["not_helpful_count"],
        )
        for r in rows
    ]
