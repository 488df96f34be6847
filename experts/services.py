"""The expert panel: invitations and accounts, rating work, editors' review, coverage.

The models (`Expert`, `ExpertAssessment`, `AssessmentRevision`) live in `usecases` beside the
catalog they rate, as the provider models do; this module is the work across them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from providers.models import Provider
from usecases.models import (
    AssessmentRevision,
    Cluster,
    Expert,
    ExpertAssessment,
    UseCase,
    ValuePotential,
)

logger = logging.getLogger(__name__)

# Experts who differ by this many points on one dimension disagree enough for editors to look.
DISAGREEMENT = 2


class InvitationError(Exception):
    """An invitation that cannot be accepted, with the reason for the user."""


class RatingRefused(Exception):
    """A rating the expert may not give, with the reason and the HTTP status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Rating:
    """What an expert enters for one use case, already validated by the form."""

    revenue: int
    company_value: int
    cost_reduction: int
    confidence: int
    obstacles: list[str]
    comment: str


# --- invitations and accounts -------------------------------------------------------------


def invite_expert(expert: Expert, invited_by: User, accept_url: Callable[[Expert], str]) -> bool:
    """Email the expert a link to join the panel, renewing the link's 14 days.

    Formal German: the panel is German-speaking first, and the email says so in both languages.
    """
    expert.invited_by = invited_by
    expert.invited_at = timezone.now()
    expert.save(update_fields=["invited_by", "invited_at"])
    parts = []
    for language in ("de", "en"):
        with translation.override(language):
            parts.append(
                render_to_string(
                    "experts/email/invitation.txt",
                    {"expert": expert, "accept_url": accept_url(expert)},
                )
            )
    with translation.override("de"):
        subject = _("Invitation to the expert panel of the AI Use Case Matcher")
    message = EmailMessage(
        subject, "\n\n---\n\n".join(parts), settings.DEFAULT_FROM_EMAIL, [expert.email]
    )
    try:
        message.send()
    except OSError:
        logger.exception("could not send the expert invitation %s", expert.pk)
        return False
    return True


def expert_of(user: User | AnonymousUser) -> Expert | None:
    """The panel expert behind an account (the expert role), or None."""
    if not isinstance(user, User):
        return None
    return Expert.objects.filter(user=user).first()


def account_exists(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


def _check_open(expert: Expert) -> None:
    if not expert.invitation_open:
        raise InvitationError(_("This invitation has expired or was already used."))


@transaction.atomic
def sign_up(request: HttpRequest, expert: Expert, password: str, listed: bool) -> User:
    """A new account for the invited address, verified by the emailed link, with the expert role."""
    _check_open(expert)
    if account_exists(expert.email):
        raise InvitationError(
            _("An account with %(email)s exists already. Please log in to accept.")
            % {"email": expert.email}
        )
    adapter = get_adapter(request)
    user = adapter.new_user(request)
    user.email = expert.email
    adapter.populate_username(request, user)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=expert.email, verified=True, primary=True)
    _join(expert, user, listed)
    return user


@transaction.atomic
def accept(expert: Expert, user: User, listed: bool) -> None:
    """Give an existing account, logged in with the invited address, the expert role."""
    _check_open(expert)
    if user.email.lower() != expert.email:
        raise InvitationError(
            _(
                "This invitation was sent to %(email)s. "
                "Please log in with that address to accept it."
            )
            % {"email": expert.email}
        )
    if Expert.objects.filter(user=user).exclude(pk=expert.pk).exists():
        raise InvitationError(_("Your account is already part of the expert panel."))
    _join(expert, user, listed)


def _join(expert: Expert, user: User, listed: bool) -> None:
    expert.user = user
    expert.listed_publicly = listed
    expert.accepted_at = timezone.now()
    expert.save(update_fields=["user", "listed_publicly", "accepted_at"])


def public_panel() -> QuerySet[Expert]:
    """Experts who joined and agreed to be listed, with their clusters and rating counts."""
    return (
        Expert.objects.filter(user__isnull=False, listed_publicly=True)
        .prefetch_related("clusters")
        .annotate(rated=Count("assessments", filter=Q(assessments__excluded=False)))
    )


# --- rating work --------------------------------------------------------------------------


def conflicting_use_case_ids(expert: Expert) -> set[int]:
    """Use cases the expert's provider offers, alone or with a whole cluster: never theirs to rate.

    Any profile counts, approved or not: a provider's claim to offer something is the interest.
    """
    if expert.user_id is None:
        return set()
    provider = Provider.objects.filter(memberships__user_id=expert.user_id).first()
    if provider is None:
        return set()
    return set(
        UseCase.objects.filter(
            Q(providers=provider) | Q(cluster__in=provider.clusters.all())
        ).values_list("pk", flat=True)
    )


def _expert_count() -> Count:
    return Count(
        "assessments",
        filter=Q(assessments__editorial_estimate=False, assessments__excluded=False),
        distinct=True,
    )


@dataclass(frozen=True)
class WorkItem:
    use_case: UseCase
    expert_assessments: int
    own: ExpertAssessment | None


def work_list(expert: Expert) -> list[WorkItem]:
    """The published use cases of the expert's clusters they may rate, fewest assessments first."""
    use_cases = (
        UseCase.objects.published()
        .filter(cluster__in=expert.clusters.all())
        .exclude(pk__in=conflicting_use_case_ids(expert))
        .select_related("cluster")
        .annotate(expert_count=_expert_count())
        .order_by("expert_count", "cluster__ordering", "slug")
    )
    own = {a.use_case_id: a for a in expert.assessments.all()}
    return [WorkItem(u, u.expert_count, own.get(u.pk)) for u in use_cases]


def rateable_use_case(expert: Expert, pk: int) -> UseCase:
    """The use case behind an id from a link or form, if this expert may rate it."""
    use_case = UseCase.objects.published().select_related("cluster").filter(pk=pk).first()
    if use_case is None:
        raise RatingRefused(_("There is no published use case with this number."), 404)
    if not expert.clusters.filter(pk=use_case.cluster_id).exists():
        raise RatingRefused(
            _(
                "“%(title)s” belongs to the cluster “%(cluster)s”, which you were not invited "
                "to rate. Nothing was saved."
            )
            % {"title": use_case.title, "cluster": use_case.cluster.name},
            403,
        )
    if use_case.pk in conflicting_use_case_ids(expert):
        raise RatingRefused(
            _(
                "Your company offers “%(title)s” as a solution provider, so you cannot rate it "
                "(conflict of interest). Nothing was saved."
            )
            % {"title": use_case.title},
            403,
        )
    return use_case


def _values(assessment: ExpertAssessment) -> dict[str, Any]:
    return {
        "revenue": assessment.revenue,
        "company_value": assessment.company_value,
        "cost_reduction": assessment.cost_reduction,
        "confidence": assessment.confidence,
        "obstacles": list(assessment.obstacles),
        "comment": assessment.comment,
    }


@transaction.atomic
def save_rating(expert: Expert, pk: int, rating: Rating) -> ExpertAssessment:
    """Create or update the expert's one assessment of a use case and keep the new state in its
    history; a changed rating counts as new for the editors' review again."""
    use_case = rateable_use_case(expert, pk)
    assessment = (
        ExpertAssessment.objects.select_for_update()
        .filter(expert=expert, use_case=use_case)
        .first()
    ) or ExpertAssessment(expert=expert, use_case=use_case)
    before = _values(assessment) if assessment.pk else None
    assessment.assessor = expert.name
    assessment.assessed_on = timezone.localdate()
    assessment.editorial_estimate = False
    assessment.revenue = rating.revenue
    assessment.company_value = rating.company_value
    assessment.cost_reduction = rating.cost_reduction
    assessment.confidence = rating.confidence
    assessment.obstacles = list(rating.obstacles)
    assessment.comment = rating.comment
    if before == _values(assessment):
        return assessment  # saved again unchanged: no new revision, no new review
    assessment.reviewed_at = None
    assessment.full_clean(exclude=["use_case", "expert"])
    assessment.save()
    AssessmentRevision.objects.create(
        assessment=assessment,
        kind=AssessmentRevision.Kind.RATED,
        user=expert.user,
        values=_values(assessment),
    )
    return assessment


# --- editors' review ----------------------------------------------------------------------


@transaction.atomic
def exclude(assessment: ExpertAssessment, editor: User, reason: str) -> None:
    """Leave an assessment out of the public figures, with the reason, recorded in its history."""
    reason = reason.strip()
    if not reason:
        raise ValueError("an exclusion needs a reason")
    assessment.excluded = True
    assessment.exclusion_reason = reason
    assessment.excluded_by = editor
    assessment.reviewed_at = timezone.now()
    assessment.save(
        update_fields=["excluded", "exclusion_reason", "excluded_by", "reviewed_at", "updated_at"]
    )
    AssessmentRevision.objects.create(
        assessment=assessment,
        kind=AssessmentRevision.Kind.EXCLUDED,
        user=editor,
        values={"reason": reason},
    )


@transaction.atomic
def include(assessment: ExpertAssessment, editor: User) -> None:
    """Count an excluded assessment again."""
    assessment.excluded = False
    assessment.exclusion_reason = ""
    assessment.excluded_by = None
    assessment.reviewed_at = timezone.now()
    assessment.save(
        update_fields=["excluded", "exclusion_reason", "excluded_by", "reviewed_at", "updated_at"]
    )
    AssessmentRevision.objects.create(
        assessment=assessment, kind=AssessmentRevision.Kind.INCLUDED, user=editor
    )


def mark_reviewed(assessments: Iterable[ExpertAssessment]) -> int:
    """Editors have seen these; they leave the list of new assessments."""
    ids = [a.pk for a in assessments]
    return ExpertAssessment.objects.filter(pk__in=ids).update(reviewed_at=timezone.now())


def new_assessments() -> QuerySet[ExpertAssessment]:
    """Panel experts' assessments no editor has reviewed since they were last changed."""
    return ExpertAssessment.objects.filter(expert__isnull=False, reviewed_at__isnull=True)


def has_conflict(assessment: ExpertAssessment) -> bool:
    """Whether the expert's provider offers the use case now (it may have started since)."""
    return assessment.expert is not None and assessment.use_case_id in conflicting_use_case_ids(
        assessment.expert
    )


# --- insights -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterCoverage:
    cluster: Cluster
    none: int  # published use cases without an included expert assessment
    some: int  # with one or two: the editorial estimate is still shown
    enough: int  # with EXPERTS_NEEDED or more: expert figures are shown
    experts: int  # panel experts who may rate the cluster


def coverage() -> list[ClusterCoverage]:
    """Per cluster, how many published use cases have 0, 1-2 and 3+ included expert ratings."""
    counts: dict[int, list[int]] = {}
    for cluster_id, count in (
        UseCase.objects.published().annotate(n=_expert_count()).values_list("cluster_id", "n")
    ):
        counts.setdefault(cluster_id, []).append(count)
    needed = ValuePotential.EXPERTS_NEEDED
    clusters = Cluster.objects.annotate(panel=Count("experts", distinct=True))
    return [
        ClusterCoverage(
            cluster=cluster,
            none=sum(1 for n in counts.get(cluster.pk, []) if n == 0),
            some=sum(1 for n in counts.get(cluster.pk, []) if 0 < n < needed),
            enough=sum(1 for n in counts.get(cluster.pk, []) if n >= needed),
            experts=cluster.panel,
        )
        for cluster in clusters
    ]


@dataclass(frozen=True)
class Disagreement:
    use_case: UseCase
    experts: int
    spread: dict[str, list[int]]  # only the dimensions where experts differ by DISAGREEMENT+

    @property
    def widest(self) -> int:
        return max(high - low for low, high in self.spread.values())


def disagreements() -> list[Disagreement]:
    """Published use cases whose included expert assessments differ by 2 or more points on a
    dimension, widest first."""
    found = []
    for use_case in UseCase.objects.for_display():
        experts = ValuePotential.included_experts(list(use_case.assessments.all()))
        wide = {
            dim: span
            for dim, span in ValuePotential.spread_of(experts).items()
            if span[1] - span[0] >= DISAGREEMENT
        }
        if wide:
            found.append(Disagreement(use_case, len(experts), wide))
    return sorted(found, key=lambda d: (-d.widest, d.use_case.slug))
